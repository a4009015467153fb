// The router: Unicat's operations, in the order the node lists them (one file each; Unicat has no Set Links).
import { getLinks } from './getLinks.operation';
import { link } from './link.operation';
import { unlink } from './unlink.operation';

export const unicatOperations = [link, unlink, getLinks];
