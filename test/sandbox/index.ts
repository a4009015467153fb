import { dataGolSandbox } from './datagol';
import { devRevSandbox } from './devrev';
import { fairComSandbox } from './faircom';
import { Sandbox, type SandboxOptions } from './server';
import { tulipSandbox } from './tulip';
import { unicatSandbox } from './unicat';

/** Every vendor the sandbox speaks, by name. */
export const vendorModules = {
	devrev: devRevSandbox,
	datagol: dataGolSandbox,
	tulip: tulipSandbox,
	unicat: unicatSandbox,
	faircom: fairComSandbox,
};

export type VendorSandbox = Sandbox<typeof vendorModules>;

export async function startSandbox(options: SandboxOptions = {}): Promise<VendorSandbox> {
	return await new Sandbox(vendorModules, options).start(options);
}

export { Sandbox };
export type { Fault, FaultRule, SandboxRequest } from './server';
