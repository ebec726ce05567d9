using NUnit.Framework;
using Workflows.Engine.Storage;

namespace Workflows.Engine.Tests.Storage;

public sealed class ProjectLayoutTests
{
    private string _parent = null!;

    [SetUp]
    public void CreateFolders() => _parent = Directory.CreateTempSubdirectory("wf-layout-").FullName;

    [TearDown]
    public void RemoveFolders() => Directory.Delete(_parent, recursive: true);

    private string Folder(string relative) => Directory.CreateDirectory(Path.Combine(_parent, relative)).FullName;

    [Test]
    public void ForWorkflow_StrayWfInAParentOfAGitRepository_PicksTheRepository()
    {
        Folder(".wf");
        var repo = Folder("repo");
        Folder("repo/.git");
        var workflows = Folder("repo/workflows");

        var layout = ProjectLayout.ForWorkflow(Path.Combine(workflows, "x.yaml"));

        Assert.That(layout.Root, Is.EqualTo(repo));
        Assert.That(layout.StateRoot, Is.EqualTo(Path.Combine(repo, ".wf")));
    }

    [Test]
    public void ForWorkflow_ConfigInAParentOfAWorktree_PicksTheWorktree()
    {
        File.WriteAllText(Path.Combine(_parent, "wf.config.yaml"), "");
        var worktree = Folder("worktree");
        File.WriteAllText(Path.Combine(worktree, ".git"), "gitdir: /elsewhere\n"); // a linked worktree's .git is a file

        Assert.That(ProjectLayout.ForWorkflow(Path.Combine(worktree, "x.yaml")).Root, Is.EqualTo(worktree));
    }

    [Test]
    public void ForDirectory_SubfolderOfAProject_FindsItsRoot()
    {
        Folder(".wf");
        var sub = Folder("a/b");

        Assert.That(ProjectLayout.ForDirectory(sub).Root, Is.EqualTo(_parent));
    }
}
