using System.Diagnostics;
using Workflows.Tracking.Git;
using Workflows.Tracking.Tests.Support;

namespace Workflows.Tracking.Tests.Git;

public sealed class HookInstallerTests
{
    [Test]
    public void Install_FreshRepository_WritesAnExecutableMarkedHookCallingWfTrigger()
    {
        using var repo = new TestRepository();

        var result = HookInstaller.Install(repo.Root);

        var hook = Path.Combine(repo.Root, ".git", "hooks", "post-commit");
        Assert.That((result.Installed, result.HookPath), Is.EqualTo((true, hook)));
        var text = File.ReadAllText(hook);
        Assert.That(text, Does.StartWith("#!/bin/sh\n" + HookInstaller.Marker + "\n"));
        Assert.That(text, Does.Contain("./wf trigger --since HEAD~1"));
        if (!OperatingSystem.IsWindows())
        {
            Assert.That(File.GetUnixFileMode(hook).HasFlag(UnixFileMode.UserExecute), Is.True);
        }
    }

    [Test]
    public void Install_OwnHookPresent_UpdatesIt()
    {
        using var repo = new TestRepository();
        HookInstaller.Install(repo.Root, command: "./wf trigger --since HEAD~2");

        var result = HookInstaller.Install(repo.Root);

        Assert.That(result.Installed, Is.True);
        Assert.That(result.Message, Does.EndWith("updated"));
        Assert.That(File.ReadAllText(result.HookPath), Does.Contain("--since HEAD~1"));
    }

    [Test]
    public void Install_ForeignHookWithoutForce_RefusesAndLeavesItAlone()
    {
        using var repo = new TestRepository();
        var hook = repo.Write(".git/hooks/post-commit", "#!/bin/sh\necho mine\n");

        var result = HookInstaller.Install(repo.Root);

        Assert.That(result.Installed, Is.False);
        Assert.That(result.Message, Does.Contain("--force"));
        Assert.That(File.ReadAllText(hook), Is.EqualTo("#!/bin/sh\necho mine\n"));
    }

    [Test]
    public void Install_ForeignHookWithForce_ReplacesItKeepingABackup()
    {
        using var repo = new TestRepository();
        var hook = repo.Write(".git/hooks/post-commit", "#!/bin/sh\necho mine\n");

        var result = HookInstaller.Install(repo.Root, force: true);

        Assert.That(result.Installed, Is.True);
        Assert.That(File.ReadAllText(hook), Does.Contain(HookInstaller.Marker));
        Assert.That(File.ReadAllText(hook + ".backup"), Is.EqualTo("#!/bin/sh\necho mine\n"));
    }

    [Test]
    public void Install_CoreHooksPathSet_WritesThere()
    {
        using var repo = new TestRepository();
        repo.Repository.Config.Set("core.hooksPath", ".githooks");

        var result = HookInstaller.Install(repo.Root);

        Assert.That(result.HookPath, Is.EqualTo(Path.Combine(repo.Root, ".githooks", "post-commit")));
        Assert.That(File.Exists(result.HookPath), Is.True);
    }

    [Test]
    public void Install_OutsideRepository_FailsWithoutWriting()
    {
        using var temp = new TempDirectory();

        var result = HookInstaller.Install(temp.Path);

        Assert.That(result.Installed, Is.False);
        Assert.That(result.Message, Does.Contain("not inside a git repository"));
    }

    [Test]
    [Platform(Exclude = "Win")]
    public void Install_ThenGitCommit_CommitReturnsAtOnceWhileTheRunGoesOnInTheBackground()
    {
        using var repo = new TestRepository();
        repo.Commit("first");
        HookInstaller.Install(repo.Root);
        // A stand-in for ./wf that takes longer than a commit may: if the hook waited, so would git.
        var wf = repo.Write("wf", "#!/bin/sh\nsleep 6\necho \"ran $*\" > .wf/hook-ran\n");
        File.SetUnixFileMode(wf, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        var clock = Stopwatch.StartNew();
        var commit = Git(repo.Root, "-c", "user.name=T", "-c", "user.email=t@example.com", "commit", "--allow-empty", "-q", "-m", "second");
        var elapsed = clock.Elapsed;

        Assert.That(commit.ExitCode, Is.Zero, commit.Output);
        Assert.That(elapsed, Is.LessThan(TimeSpan.FromSeconds(5)), "git commit waited for the triggered run");
        Assert.That(commit.Output, Does.Contain("run in the background; log: .wf/logs/post-commit-"));
        var marker = Path.Combine(repo.Root, ".wf", "hook-ran");
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!File.Exists(marker) && DateTime.UtcNow < deadline) Thread.Sleep(100);
        Thread.Sleep(200);
        Assert.That(File.ReadAllText(marker).Trim(), Is.EqualTo("ran trigger --since HEAD~1"));
        Assert.That(Directory.GetFiles(Path.Combine(repo.Root, ".wf", "logs"), "post-commit-*.log"), Has.Length.EqualTo(1));
    }

    private static (int ExitCode, string Output) Git(string directory, params string[] args)
    {
        var start = new ProcessStartInfo("git") { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        // Reading to the end also proves the background run does not hold git's output open.
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(30))) process.Kill(entireProcessTree: true);
        return (process.ExitCode, output.Result + error.Result);
    }
}
