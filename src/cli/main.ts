#!/usr/bin/env node
import { reportCliError } from './context.js';
import { buildProgram } from './program.js';

buildProgram().parseAsync(process.argv).catch(reportCliError);
