/**
 * The contract check itself: it must catch a departure, or the suite-wide check (every request and
 * answer of every test, see harness/use-sandbox.ts) would prove nothing. And every vendor fact the
 * pack relies on names its source and says whether it is documented or inferred.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { CONTRACT_FILES, contractViolations, type Exchange } from './contracts/check';

const exchange = (fields: Partial<Exchange> & Pick<Exchange, 'vendor' | 'method' | 'path'>): Exchange => ({
	query: new URLSearchParams(),
	body: undefined,
	rawBody: fields.body === undefined ? '' : JSON.stringify(fields.body),
	status: 200,
	responseBody: undefined,
	...fields,
});

const issueEnd = (n: number) => ({ id: `don:core:dvrv-us-1:devo/0:issue/${n}`, type: 'issue', title: 'x', owned_by: [] });
const ticketEnd = (n: number) => ({ id: `don:core:dvrv-us-1:devo/0:ticket/${n}`, type: 'ticket', title: 'y', owned_by: [] });
const devRevCreate = (body: unknown, responseBody: unknown = { link: { id: 'l1', link_type: 'serves', source: issueEnd(1), target: ticketEnd(2) } }) =>
	exchange({ vendor: 'devrev', method: 'POST', path: '/links.create', body, status: 201, responseBody });

describe('the contract check', () => {
	test('passes a request and an answer that keep to DevRev\'s OpenAPI spec', () => {
		expect(contractViolations(devRevCreate({ link_type: 'serves', source: 'don:a', target: 'don:b' }))).toEqual([]);
	});

	test('fails a wrong field name, a missing required field and a wrong enum value', () => {
		expect(contractViolations(devRevCreate({ linkType: 'serves', source: 'don:a', target: 'don:b' })).join('\n')).toMatch(
			/request body .*must have required property 'link_type'/,
		);
		expect(contractViolations(devRevCreate({ link_type: 'links_to', source: 'don:a', target: 'don:b' })).join('\n')).toMatch(
			/must be equal to one of the allowed values/,
		);
	});

	test('fails an answer that departs: a link end without the fields the spec requires, an undocumented status', () => {
		const thin = devRevCreate({ link_type: 'serves', source: 'don:a', target: 'don:b' }, { link: { id: 'l1', link_type: 'serves', source: { id: 'a', type: 'issue' }, target: ticketEnd(2) } });
		expect(contractViolations(thin).join('\n')).toMatch(/answer 201 \/link\/source must have required property 'owned_by'/);
		expect(contractViolations({ ...devRevCreate({ link_type: 'serves', source: 'a', target: 'b' }), status: 409 }).join('\n')).toMatch(
			/answer 409 is not in the contract/,
		);
	});

	test('DataGOL: record IDs must be integers and the column a UUID, as DataGOL documents', () => {
		const path = '/noCo/api/v2/workspaces/03d079b8-ddbf-4752-926a-8700c4be056c/tables/77b75932-a6f3-405a-aade-fc4bff973858/linkRecordV2';
		const good = [{ sourceRecordId: 1, destinationRecordId: 2, linkColumnId: '21224153-2f85-4b24-a306-4cfbc7e73f70' }];
		expect(contractViolations(exchange({ vendor: 'datagol', method: 'POST', path, body: good }))).toEqual([]);
		const bad = [{ sourceRecordId: '1', destinationRecordId: 2, linkColumnId: 'customer' }];
		expect(contractViolations(exchange({ vendor: 'datagol', method: 'POST', path, body: bad })).join('\n')).toMatch(
			/\/0\/sourceRecordId must be integer.*\/0\/linkColumnId must match format "uuid"/,
		);
	});

	test('Tulip: a table link ID outside ^[a-zA-Z0-9_]+$ and a 204 with a body are departures', () => {
		const body = { leftRecord: 'a', rightRecord: 'b' };
		expect(contractViolations(exchange({ vendor: 'tulip', method: 'PUT', path: '/api/v3/w/DEFAULT/tableLinks/abc_1/link', body, status: 204 }))).toEqual([]);
		expect(contractViolations(exchange({ vendor: 'tulip', method: 'PUT', path: '/api/v3/tableLinks/a-b/link', body, status: 204 })).join('\n')).toMatch(
			/path parameter "tableLinkId" must match pattern/,
		);
		expect(
			contractViolations(exchange({ vendor: 'tulip', method: 'PUT', path: '/api/v3/tableLinks/ab/link', body, status: 204, responseBody: {} })).join('\n'),
		).toMatch(/answer 204 carries a body/);
	});

	test('FairCom: an action without its authToken, and an answer without errorCode, are departures', () => {
		const params = { labels: [{ name: 'open' }], tableName: 'orders', ids: [1] };
		const ok = { result: {}, errorCode: 0, errorMessage: '' };
		expect(contractViolations(exchange({ vendor: 'faircom', method: 'POST', path: '/api', body: { api: 'db', action: 'linkLabelsToRecords', params, authToken: 't' }, responseBody: ok }))).toEqual([]);
		expect(
			contractViolations(exchange({ vendor: 'faircom', method: 'POST', path: '/api', body: { api: 'db', action: 'linkLabelsToRecords', params }, responseBody: ok })).join('\n'),
		).toMatch(/must have required property 'authToken'/);
		expect(
			contractViolations(exchange({ vendor: 'faircom', method: 'POST', path: '/api', body: { api: 'db', action: 'linkLabelsToRecords', params, authToken: 't' }, responseBody: { result: {} } })).join('\n'),
		).toMatch(/must have required property 'errorCode'/);
	});

	test('an operation the vendor does not have is a departure', () => {
		expect(contractViolations(exchange({ vendor: 'unicat', method: 'POST', path: `/api/p/84a1b5e4-fb5d-4ad6-a497-a3cf7eaf29b1/records/copy`, body: {} }))).toEqual([
			'unicat POST /api/p/84a1b5e4-fb5d-4ad6-a497-a3cf7eaf29b1/records/copy: no such operation in the vendor\'s contract',
		]);
	});
});

describe('the vendor facts', () => {
	test.each(Object.entries(CONTRACT_FILES))('%s: every fact says documented or inferred and names its source', (_vendor, file) => {
		const contract = JSON.parse(readFileSync(join(__dirname, 'contracts', file), 'utf8')) as {
			facts: Array<{ id: string; fact: string; status: string; source: string }>;
		};
		expect(contract.facts.length).toBeGreaterThan(0);
		for (const fact of contract.facts) {
			expect([fact.id, ['documented', 'inferred'].includes(fact.status)]).toEqual([fact.id, true]);
			expect(fact.source.length).toBeGreaterThan(10);
			expect(fact.fact.length).toBeGreaterThan(20);
		}
	});
});
