using Fillwise.Cli;

JitProfile.Start(args);
var exit = CliApp.Run(args, Console.Out, Console.Error);
JitProfile.Finish(exit);
return exit;
