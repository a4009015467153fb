import { VENDORS, type VendorInfo } from '../../scripts/vendors';
import { Sandbox, type SandboxOptions } from './server';

/** Every vendor the sandbox speaks, by name: each registry row's sandbox module. */
export const vendorModules = Object.fromEntries(VENDORS.map((vendor) => [vendor.key, vendor.sandbox])) as {
	[Vendor in VendorInfo as Vendor['key']]: Vendor['sandbox'];
};

export type VendorSandbox = Sandbox<typeof vendorModules>;

export async function startSandbox(options: SandboxOptions = {}): Promise<VendorSandbox> {
	return await new Sandbox(vendorModules, options).start(options);
}

export { Sandbox };
export type { Fault, FaultRule, SandboxRequest } from './server';
