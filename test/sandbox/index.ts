import { devRevSandbox } from './devrev';
import { Sandbox, type SandboxOptions } from './server';

/** Every vendor the sandbox speaks, by name. */
export const vendorModules = {
	devrev: devRevSandbox,
};

export type VendorSandbox = Sandbox<typeof vendorModules>;

export async function startSandbox(options: SandboxOptions = {}): Promise<VendorSandbox> {
	return await new Sandbox(vendorModules, options).start(options);
}

export { Sandbox };
export type { Fault, FaultRule, SandboxRequest } from './server';
