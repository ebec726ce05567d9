using System.CommandLine;
using Workflows.Cli.Commands;

namespace Workflows.Cli.Tests;

/// <summary>Runs `wf` in-process with a working directory and captured output, as a user's shell would.</summary>
internal static class WfCommand
{
    private static readonly Lock Gate = new();

    public sealed record Result(int ExitCode, string Out, string Error);

    public static Result Run(string workingDirectory, params string[] args)
    {
        lock (Gate) // Console and the working directory are process-wide
        {
            var root = new RootCommand("wf");
            foreach (var command in CommandCatalog.All()) root.Add(command);
            var (oldOut, oldError, oldDirectory) = (Console.Out, Console.Error, Directory.GetCurrentDirectory());
            using var output = new StringWriter();
            using var error = new StringWriter();
            try
            {
                Console.SetOut(output);
                Console.SetError(error);
                Directory.SetCurrentDirectory(workingDirectory);
                Environment.SetEnvironmentVariable("CI", "true");
                var code = root.Parse(args).InvokeAsync().GetAwaiter().GetResult();
                return new Result(code, output.ToString(), error.ToString());
            }
            finally
            {
                Console.SetOut(oldOut);
                Console.SetError(oldError);
                Directory.SetCurrentDirectory(oldDirectory);
            }
        }
    }
}
