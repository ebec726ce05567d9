using System.CommandLine;
using Workflows.Tracking.Git;

namespace Workflows.Cli.Commands;

/// <summary><c>wf hooks install</c>: a post-commit hook that runs <c>wf trigger</c>.</summary>
internal static class HooksCommand
{
    public static Command Create()
    {
        var force = new Option<bool>("--force") { Description = "Replace a post-commit hook not written by wf (a backup is kept)" };
        var install = new Command("install", "Write .git/hooks/post-commit so each commit runs the workflows it affects") { force };
        install.SetAction((ParseResult result, CancellationToken cancellationToken) => CommandErrors.RunAsync("wf hooks install", async () =>
        {
            var installed = HookInstaller.Install(Directory.GetCurrentDirectory(), result.GetValue(force));
            if (!installed.Installed)
            {
                await Console.Error.WriteLineAsync($"wf hooks install: {installed.Message}");
                return 1;
            }

            Console.WriteLine(installed.Message);
            return 0;
        }));

        return new Command("hooks", "Git hooks") { install };
    }
}
