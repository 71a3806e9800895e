#!/usr/bin/env node
// The `landuse` command. The project runs its TypeScript sources directly through tsx, so
// `npx landuse` works right after `npm install`, with no build step to forget.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
