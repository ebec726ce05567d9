using System.Text;
using System.Text.Json;
using NUnit.Framework;
using Workflows.Engine.Caching;
using Workflows.Engine.Steps;
using Workflows.Engine.Storage;

namespace Workflows.Engine.Tests.Caching;

public class RunCacheTests
{
    private string _root = null!;
    private ProjectLayout _layout = null!;
    private ArtifactStore _store = null!;

    [SetUp]
    public void Create()
    {
        _root = Directory.CreateTempSubdirectory("wf-cache-").FullName;
        _layout = new ProjectLayout(_root);
        _store = new ArtifactStore(_layout);
    }

    [TearDown]
    public void Remove() => Directory.Delete(_root, recursive: true);

    private string Artifact(string content)
    {
        var folder = Path.Combine(_root, "out-" + content);
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "value.txt"), content);
        return _store.Commit(folder, ArtifactKind.Dataset, new ArtifactProvenance("wf", "step", "echo", "fp", "run"));
    }

    private static CacheEntry Entry(string fingerprint, string digest, string run = "run-1") =>
        new(fingerprint, "echo", new Dictionary<string, string> { ["out"] = digest }, run, DateTimeOffset.UnixEpoch);

    private RunCache Cache() => new(_layout, _store);

    [Test]
    public void Lookup_EntrySavedByAnotherInstance_IsFound_AndAllEntriesShareOneJournal()
    {
        var digest = Artifact("a");
        var reader = Cache();
        Assert.That(reader.Lookup("fp1"), Is.Null);
        Cache().Save(Entry("fp1", digest));
        Cache().Save(Entry("fp2", digest));

        Assert.That(reader.Lookup("fp1")?.Outputs["out"], Is.EqualTo(digest), "a reader sees what was appended after its first read");
        Assert.That(reader.Lookup("fp2")?.RunId, Is.EqualTo("run-1"));
        Assert.That(Directory.GetFiles(_layout.Cache), Is.EqualTo(new[] { reader.JournalPath }), "no file per fingerprint");
        Assert.That(File.ReadAllLines(reader.JournalPath), Has.Length.EqualTo(2));
    }

    [Test]
    public void Lookup_LatestLineOfAFingerprintWins()
    {
        var (a, b) = (Artifact("a"), Artifact("b"));
        Cache().Save(Entry("fp", a, "run-1"));
        Cache().Save(Entry("fp", b, "run-2"));
        Assert.That(Cache().Lookup("fp")?.Outputs["out"], Is.EqualTo(b));
    }

    [Test]
    public void Lookup_EntryWhoseArtifactIsGone_IsAMiss()
    {
        var digest = Artifact("a");
        Cache().Save(Entry("fp", digest));
        Directory.Delete(_store.PathOf(digest), recursive: true);
        Assert.That(Cache().Lookup("fp"), Is.Null);
    }

    [Test]
    public void Save_AfterAWriterKilledMidLine_TheTornLineIsAMissAndTheNewEntryIsFound()
    {
        var digest = Artifact("a");
        Cache().Save(Entry("fp1", digest));
        var line = JsonSerializer.Serialize(Entry("fp2", digest), EngineJson.Compact);
        File.AppendAllText(Cache().JournalPath, line[..(line.Length / 2)]); // what kill -9 in the middle of a write leaves

        var reader = Cache();
        Assert.That(reader.Lookup("fp2"), Is.Null, "a torn line is a miss, never a failure");
        Cache().Save(Entry("fp3", digest));

        Assert.That(reader.Lookup("fp3")?.Outputs["out"], Is.EqualTo(digest), "the next entry starts a line of its own");
        Assert.That(reader.Lookup("fp1"), Is.Not.Null);
        Assert.That(reader.Lookup("fp2"), Is.Null);
    }

    [Test]
    public void Lookup_DamagedJournalBytes_AreMisses()
    {
        var digest = Artifact("a");
        Directory.CreateDirectory(_layout.Cache);
        File.WriteAllBytes(Path.Combine(_layout.Cache, RunCache.JournalFile), Encoding.UTF8.GetBytes("\0\0\0\n{\"fingerprint\":\"fp\"}\nnot json\n"));
        Cache().Save(Entry("fp1", digest));
        Assert.That(Cache().Lookup("fp"), Is.Null, "a line without outputs is no entry");
        Assert.That(Cache().Lookup("fp1"), Is.Not.Null);
    }

    [Test]
    public void Lookup_EntryFileOfAnEarlierVersion_IsStillRead_AndGcSeesIt()
    {
        var digest = Artifact("a");
        Directory.CreateDirectory(_layout.Cache);
        File.WriteAllText(Path.Combine(_layout.Cache, "old.json"), JsonSerializer.Serialize(Entry("old", digest), EngineJson.Options));
        Assert.That(Cache().Lookup("old")?.Outputs["out"], Is.EqualTo(digest));
        Assert.That(Cache().All().Select(e => e.Fingerprint), Is.EqualTo(new[] { "old" }));
    }

    [Test]
    public void Save_ManyThreadsAtOnce_LosesNoLine()
    {
        var digest = Artifact("a");
        Parallel.For(0, 200, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i => Cache().Save(Entry($"fp{i}", digest)));
        var reader = Cache();
        Assert.That(Enumerable.Range(0, 200).Count(i => reader.Lookup($"fp{i}") is not null), Is.EqualTo(200));
    }

    [Test]
    public void Compact_KeepsTheLatestLineOfEachFingerprintWhoseArtifactsAreStored()
    {
        var (a, b, gone) = (Artifact("a"), Artifact("b"), Artifact("c"));
        var reader = Cache();
        Cache().Save(Entry("fp1", a, "run-1"));
        Cache().Save(Entry("fp1", b, "run-2"));
        Cache().Save(Entry("fp2", gone));
        Directory.Delete(_store.PathOf(gone), recursive: true);
        Assert.That(reader.Lookup("fp2"), Is.Null);

        Cache().Compact();

        Assert.That(File.ReadAllLines(reader.JournalPath), Has.Length.EqualTo(1));
        Cache().Save(Entry("fp3", a));
        Assert.That(reader.Lookup("fp3"), Is.Not.Null, "an instance that had read the longer journal reads the compacted one");
        Assert.That(Cache().Lookup("fp1")?.Outputs["out"], Is.EqualTo(b));
    }
}
