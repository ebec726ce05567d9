using NUnit.Framework;
using Workflows.Engine.Steps;
using Workflows.Engine.Storage;
using Workflows.Engine.Tests.Support;

namespace Workflows.Engine.Tests.Storage;

public class ArtifactIntegrityTests
{
    private static readonly ArtifactProvenance Provenance = new("wf", "step", "echo", "fp", "run");
    private string _root = null!;
    private ArtifactStore _store = null!;

    [SetUp]
    public void Create()
    {
        _root = Directory.CreateTempSubdirectory("wf-integrity-").FullName;
        _store = new ArtifactStore(new ProjectLayout(_root));
    }

    [TearDown]
    public void Remove() => Directory.Delete(_root, recursive: true);

    private string Commit(string name, string content)
    {
        var folder = Path.Combine(_root, name);
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "data.bin"), content);
        return _store.Commit(folder, ArtifactKind.Dataset, Provenance);
    }

    [Test]
    public void Problems_IntactArtifact_IsEmpty() => Assert.That(_store.Problems(Commit("a", "hello world")), Is.Empty);

    [Test]
    public void Problems_FlippedByteWithSizeAndTimeKept_NamesTheFile()
    {
        var digest = Commit("a", "hello world");
        var file = Path.Combine(_store.PathOf(digest), "data.bin");
        ContentDigest.OfFile(file); // the per-process memo must not hide the damage
        Damage.FlipByte(file);
        Assert.That(_store.Problems(digest), Has.One.StartsWith($"{file}: sha256 "));
    }

    [Test]
    public void Problems_MissingOrAddedFile_AreNamed()
    {
        var digest = Commit("a", "hello world");
        File.Move(Path.Combine(_store.PathOf(digest), "data.bin"), Path.Combine(_store.PathOf(digest), "renamed.bin"));
        Assert.That(_store.Problems(digest), Is.EquivalentTo(new[]
        {
            $"{Path.Combine(_store.PathOf(digest), "data.bin")}: missing",
            $"{Path.Combine(_store.PathOf(digest), "renamed.bin")}: not in the manifest",
        }));
    }

    [Test]
    public void Commit_SameContentOverADamagedCopy_ReplacesTheCopyAndQuarantinesIt()
    {
        var digest = Commit("a", "hello world");
        Damage.FlipByte(Path.Combine(_store.PathOf(digest), "data.bin"));
        Assert.That(Commit("b", "hello world"), Is.EqualTo(digest));
        Assert.That(_store.Problems(digest), Is.Empty);
        Assert.That(File.ReadAllText(Path.Combine(_store.PathOf(digest), "data.bin")), Is.EqualTo("hello world"));
        Assert.That(Directory.GetDirectories(Path.Combine(_root, ".wf", "quarantine")).Single(), Does.Contain(digest));
    }

    [Test]
    public void Quarantine_MovesTheArtifactOutOfTheStore()
    {
        var digest = Commit("a", "x");
        var moved = _store.Quarantine(digest);
        Assert.That(_store.Contains(digest), Is.False);
        Assert.That(File.Exists(Path.Combine(moved!, "data.bin")), Is.True);
        Assert.That(_store.Quarantine(digest), Is.Null);
    }
}
