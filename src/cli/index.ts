import { Command } from 'commander'
import { addBasicCommands } from './basic-commands.js'
import { addIncidentCommands } from './incident-commands.js'
import { addNetworkCommands } from './network-commands.js'
import { addPlanCommands } from './plan-commands.js'
import { addReportCommands } from './report-commands.js'
import { addRiskCommands } from './risk-commands.js'
import { addScheduleCommands } from './schedule-commands.js'

const program = new Command()
  .name('patrol')
  .description('Patrol route optimisation service: API server and tools')
  .showHelpAfterError('(run with --help for usage)')
  .configureOutput({
    outputError: (text, write) => write(`patrol: ${text.replace(/^error: /, '')}`),
  })

addBasicCommands(program)
addNetworkCommands(program)
addIncidentCommands(program)
addRiskCommands(program)
addPlanCommands(program)
addScheduleCommands(program)
addReportCommands(program)

await program.parseAsync(process.argv)
