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
}
