#!/usr/bin/env node
// Launches the TypeScript CLI through tsx's loader, so no separate compile step is needed.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/index.ts');
