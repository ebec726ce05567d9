using System.CommandLine;
using Workflows.Tracking.Git;

namespace Workflows.Cli.Commands;

/// <summary><c>wf trigger</c>: runs (or lists) the workflows whose <c>on.push</c> matches what changed.</summary>
/// <remarks>Triggers are read with <see cref="WorkflowTriggerReader"/> (only the <c>on:</c> block) and each
/// match is run through this CLI's own <c>wf run &lt;file&gt;</c>, so the engine's loader and runner are
/// used without this command depending on them.</remarks>
internal static class TriggerCommand
{
    public static Command Create()
    {
        var since = new Option<string>("--since") { Description = "Compare HEAD with this ref or SHA", DefaultValueFactory = _ => "HEAD~1" };
        var directory = new Option<string>("--dir") { Description = "Folder with workflow files", DefaultValueFactory = _ => "workflows" };
        var dryRun = new Option<bool>("--dry-run") { Description = "List the affected workflows and the paths that matched; run nothing" };
        var branch = new Option<string?>("--branch") { Description = "Branch to match on.push.branches against (default: HEAD's; $GITHUB_REF_NAME on a detached HEAD)" };
        var command = new Command("trigger", "Run the workflows whose on.push branches/paths match the changes since a ref")
        {
            since, directory, dryRun, branch,
        };
        command.SetAction((ParseResult result, CancellationToken cancellationToken) => CommandErrors.RunAsync("wf trigger", async () =>
        {
            var (triggers, errors) = WorkflowTriggerReader.ReadDirectory(result.GetValue(directory)!);
            foreach (var error in errors)
            {
                await Console.Error.WriteLineAsync(error);
            }

            if (errors.Count > 0)
            {
                return 2;
            }

            var matched = TriggerMatcher.Match(Directory.GetCurrentDirectory(), triggers, new TriggerOptions
            {
                Since = result.GetValue(since)!,
                Branch = result.GetValue(branch) ?? DetachedHeadBranch(),
            });
            if (!matched.Succeeded)
            {
                await Console.Error.WriteLineAsync($"wf trigger: {matched.Error}");
                return 1;
            }

            var matches = matched.Value!;
            if (matches.Count == 0)
            {
                Console.WriteLine($"no workflow is affected by the changes since {result.GetValue(since)}");
                return 0;
            }

            foreach (var match in matches)
            {
                var shown = string.Join(", ", match.ChangedPaths.Take(5)) + (match.ChangedPaths.Count > 5 ? $", … ({match.ChangedPaths.Count} paths)" : string.Empty);
                Console.WriteLine($"{Relative(match.WorkflowPath)}: {shown}");
            }

            return result.GetValue(dryRun) ? 0 : await RunAllAsync(result, matches, cancellationToken);
        }));

        return command;
    }

    private static async Task<int> RunAllAsync(ParseResult result, IReadOnlyList<TriggerMatch> matches, CancellationToken cancellationToken)
    {
        var root = result.RootCommandResult.Command;
        if (!root.Subcommands.Any(command => command.Name == "run"))
        {
            await Console.Error.WriteLineAsync("wf trigger: this build of wf has no 'run' command; use --dry-run to list the affected workflows");
            return 1;
        }

        var failed = new List<string>();
        foreach (var match in matches)
        {
            var path = Relative(match.WorkflowPath);
            Console.WriteLine($"wf run {path}");
            if (await root.Parse(["run", path]).InvokeAsync(null, cancellationToken) != 0)
            {
                failed.Add(path);
            }
        }

        if (failed.Count > 0)
        {
            await Console.Error.WriteLineAsync($"wf trigger: {failed.Count} of {matches.Count} workflows failed: {string.Join(", ", failed)}");
            return 1;
        }

        return 0;
    }

    /// <summary>CI checkouts are usually detached; their branch is in the environment.</summary>
    private static string? DetachedHeadBranch()
    {
        var info = GitInfo.Read(Directory.GetCurrentDirectory());
        return info.Value is { IsDetached: true }
            ? Environment.GetEnvironmentVariable("GITHUB_REF_NAME") ?? Environment.GetEnvironmentVariable("CI_COMMIT_REF_NAME")
            : null;
    }

    private static string Relative(string path) => Path.GetRelativePath(Directory.GetCurrentDirectory(), path);
}
