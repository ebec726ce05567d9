using LibGit2Sharp;

namespace Workflows.Tracking.Git;

/// <summary>Writes the git <c>post-commit</c> hook that runs <c>./wf trigger</c> after each commit.</summary>
public static class HookInstaller
{
    /// <summary>The line that marks a hook as ours, so a re-install updates it and a foreign hook is left
    /// alone.</summary>
    public const string Marker = "# managed-by: wf hooks install";

    /// <summary>The hook's command. Default: run the workflows the last commit affects.</summary>
    public const string DefaultCommand = "./wf trigger --since HEAD~1";

    /// <summary>Installs the hook in the repository containing <paramref name="directory"/> (honouring
    /// <c>core.hooksPath</c> and worktrees). A hook not written by wf is replaced only with
    /// <paramref name="force"/>, and then kept as <c>post-commit.backup</c>.</summary>
    public static HookInstallResult Install(string directory, bool force = false, string command = DefaultCommand)
    {
        var root = Repository.Discover(Path.GetFullPath(directory));
        if (root is null)
        {
            return new HookInstallResult(false, string.Empty, $"'{directory}' is not inside a git repository");
        }

        using var repository = new Repository(root);
        var hook = Path.Combine(HooksDirectory(repository), "post-commit");
        var script = Script(command);
        var message = "installed";
        if (File.Exists(hook))
        {
            var existing = File.ReadAllText(hook);
            if (existing == script)
            {
                return new HookInstallResult(true, hook, $"{hook} is already up to date");
            }

            if (existing.Contains(Marker, StringComparison.Ordinal))
            {
                message = "updated";
            }
            else if (!force)
            {
                return new HookInstallResult(false, hook, $"{hook} exists and was not written by wf; use --force to replace it (it is kept as post-commit.backup)");
            }
            else
            {
                File.Copy(hook, hook + ".backup", overwrite: true);
                message = $"replaced (the previous hook is kept as {hook}.backup)";
            }
        }

        Directory.CreateDirectory(Path.GetDirectoryName(hook)!);
        File.WriteAllText(hook, script);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(hook, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
                | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        }

        return new HookInstallResult(true, hook, $"{hook} {message}");
    }

    /// <summary>Where the hook writes the output of the runs it starts, under the project root.</summary>
    public const string LogDirectory = ".wf/logs";

    /// <summary>The command runs in the background, detached from the terminal (setsid where there is
    /// one, nohup), with its output in <see cref="LogDirectory"/>: a training run must not hold
    /// <c>git commit</c> for minutes. Git ignores a hook's exit code after a commit, so a failure is
    /// written to the log instead of being hidden, and the hook does nothing where wf is absent (a fresh
    /// clone before the build).</summary>
    internal static string Script(string command)
    {
        var quoted = command.Replace("'", "'\\''", StringComparison.Ordinal);
        return $"""
        #!/bin/sh
        {Marker}
        # Starts the workflows this commit affects in the background, so the commit returns at once; their
        # output goes to {LogDirectory}/ and `wf runs` lists the runs. Reinstall: wf hooks install. Remove: delete this file.
        cd "$(git rev-parse --show-toplevel)" || exit 0
        if [ ! -x ./wf ]; then
          echo "post-commit: ./wf not found; skipping workflow triggers" >&2
          exit 0
        fi
        mkdir -p {LogDirectory} || exit 0
        log="{LogDirectory}/post-commit-$(date +%Y%m%d-%H%M%S)-$$.log"
        detach=""
        command -v setsid >/dev/null 2>&1 && detach="setsid"
        WF_HOOK_COMMAND='{quoted}' nohup $detach sh -c 'eval "$WF_HOOK_COMMAND" || echo "post-commit: $WF_HOOK_COMMAND failed with exit code $?"' >"$log" 2>&1 </dev/null &
        echo "post-commit: the workflows this commit affects run in the background; log: $log (wf runs lists them)" >&2
        exit 0

        """;
    }

    private static string HooksDirectory(Repository repository)
    {
        var gitDirectory = repository.Info.Path;
        if (repository.Config.Get<string>("core.hooksPath")?.Value is { Length: > 0 } configured)
        {
            return Path.IsPathRooted(configured)
                ? configured
                : Path.Combine(repository.Info.WorkingDirectory ?? gitDirectory, configured);
        }

        // A linked worktree's git folder names the shared one in "commondir"; hooks live there.
        var commonDirFile = Path.Combine(gitDirectory, "commondir");
        var common = File.Exists(commonDirFile)
            ? Path.GetFullPath(Path.Combine(gitDirectory, File.ReadAllText(commonDirFile).Trim()))
            : gitDirectory;
        return Path.Combine(common, "hooks");
    }
}
