using Fillwise.Cli;

JitProfile.Start(args);
return CliApp.Run(args, Console.Out, Console.Error);
