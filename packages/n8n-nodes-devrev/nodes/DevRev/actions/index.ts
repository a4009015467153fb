// The router: DevRev's operations, in the order the node lists them (one file each).
import { getLinks } from './getLinks.operation';
import { link } from './link.operation';
import { setLinks } from './setLinks.operation';
import { unlink } from './unlink.operation';

export const devRevOperations = [link, unlink, getLinks, setLinks];
