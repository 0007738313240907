/** `npm run deps:picture`: writes the folder picture (folders-picture.ts) into ARCHITECTURE.md. */
import { readFileSync, writeFileSync } from 'node:fs';
import { ARCHITECTURE_MD, foldersPicture, withPicture } from './folders-picture.ts';

writeFileSync(ARCHITECTURE_MD, withPicture(readFileSync(ARCHITECTURE_MD, 'utf8'), await foldersPicture()));
