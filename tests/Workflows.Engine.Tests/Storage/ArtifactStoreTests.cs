using NUnit.Framework;
using Workflows.Engine.Steps;
using Workflows.Engine.Storage;

namespace Workflows.Engine.Tests.Storage;

public class ArtifactStoreTests
{
    private string _root = null!;

    [SetUp]
    public void Create() => _root = Directory.CreateTempSubdirectory("wf-store-").FullName;

    [TearDown]
    public void Remove() => Directory.Delete(_root, recursive: true);

    private string Folder(string name, string content)
    {
        var folder = Path.Combine(_root, name);
        Directory.CreateDirectory(Path.Combine(folder, "sub"));
        File.WriteAllText(Path.Combine(folder, "sub", "a.txt"), content);
        return folder;
    }

    private static readonly ArtifactProvenance Provenance = new("wf", "step", "echo", "fp", "run");

    [Test]
    public void Commit_MovesFolderIntoStoreWithManifest()
    {
        var store = new ArtifactStore(new ProjectLayout(_root));
        var digest = store.Commit(Folder("out", "hello"), ArtifactKind.Dataset, Provenance);
        Assert.That(Directory.Exists(Path.Combine(_root, "out")), Is.False);
        Assert.That(File.ReadAllText(Path.Combine(store.PathOf(digest), "sub", "a.txt")), Is.EqualTo("hello"));
        var manifest = store.Manifest(digest)!;
        Assert.That(manifest.Kind, Is.EqualTo(ArtifactKind.Dataset));
        Assert.That(manifest.Files.Single().Path, Is.EqualTo("sub/a.txt"));
        Assert.That(manifest.Files.Single().Sha256, Is.EqualTo("2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"));
    }

    [Test]
    public void Commit_SameContentTwice_DeduplicatesToOneDigest()
    {
        var store = new ArtifactStore(new ProjectLayout(_root));
        var first = store.Commit(Folder("one", "same"), ArtifactKind.Dataset, Provenance);
        var second = store.Commit(Folder("two", "same"), ArtifactKind.Dataset, Provenance);
        Assert.That(second, Is.EqualTo(first));
        Assert.That(Directory.Exists(Path.Combine(_root, "two")), Is.False);
    }

    [Test]
    public void Commit_OverAFolderWithAnEmptyManifest_QuarantinesItAndPublishesIntactBytes()
    {
        // What a power loss can leave: the folder was renamed into the store, the manifest never reached the disk.
        var store = new ArtifactStore(new ProjectLayout(_root));
        var digest = store.Commit(Folder("one", "same"), ArtifactKind.Dataset, Provenance);
        File.WriteAllText(Path.Combine(store.PathOf(digest), ArtifactStore.ManifestFile), "");
        Assert.That(store.Contains(digest), Is.False, "an empty manifest is no published artifact");

        var again = store.Commit(Folder("two", "same"), ArtifactKind.Dataset, Provenance);

        Assert.That(again, Is.EqualTo(digest));
        Assert.That(store.Contains(digest), Is.True);
        Assert.That(store.Problems(digest), Is.Empty);
        Assert.That(Directory.GetDirectories(new ProjectLayout(_root).Quarantine), Has.Length.EqualTo(1));
    }

    [Test]
    public void Commit_DigestIsTheFolderDigest()
    {
        var folder = Folder("out", "bytes");
        File.WriteAllText(Path.Combine(folder, "b.txt"), "more");
        var expected = ContentDigest.Of(folder);
        Assert.That(new ArtifactStore(new ProjectLayout(_root)).Commit(folder, ArtifactKind.Dataset, Provenance), Is.EqualTo(expected));
    }

    [Test]
    public void Digest_OfFolder_IgnoresWhereTheFolderIs_ButNotFileNames()
    {
        var a = ContentDigest.Of(Folder("a", "x"));
        var b = ContentDigest.Of(Folder("b", "x"));
        Assert.That(a, Is.EqualTo(b));
        File.Move(Path.Combine(_root, "b", "sub", "a.txt"), Path.Combine(_root, "b", "sub", "renamed.txt"));
        Assert.That(ContentDigest.Of(Path.Combine(_root, "b")), Is.Not.EqualTo(a));
    }

    [Test]
    public void WriteAllText_LeavesNoTempFilesBehind()
    {
        var path = Path.Combine(_root, "dir", "run.json");
        AtomicFile.WriteAllText(path, "{}");
        AtomicFile.WriteAllText(path, "{\"a\":1}");
        Assert.That(File.ReadAllText(path), Is.EqualTo("{\"a\":1}"));
        Assert.That(Directory.GetFiles(Path.Combine(_root, "dir")), Has.Length.EqualTo(1));
    }
}
