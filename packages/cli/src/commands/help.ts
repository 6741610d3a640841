import { Args, Command, loadHelpClass } from '@oclif/core';

export default class Help extends Command {
  static override summary = 'Show help for machinable or for one of its commands.';

  static override examples = ['<%= config.bin %> help', '<%= config.bin %> help get', '<%= config.bin %> get --help'];

  static override strict = false;

  static override args = {
    command: Args.string({ description: 'the command to show help for' }),
  };

  async run(): Promise<void> {
    const { argv } = await this.parse(Help);
    const HelpClass = await loadHelpClass(this.config);
    const help = new HelpClass(this.config, this.config.pjson.oclif.helpOptions ?? this.config.pjson.helpOptions);
    await help.showHelp(argv as string[]);
  }
}
