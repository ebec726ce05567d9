using System.Text.Json.Nodes;
using NUnit.Framework;
using Workflows.Engine.Caching;
using Workflows.Engine.Storage;

namespace Workflows.Engine.Tests.Caching;

public class StepSnapshotStoreTests
{
    private string _root = null!;

    [SetUp]
    public void Create() => _root = Directory.CreateTempSubdirectory("wf-snapshots-").FullName;

    [TearDown]
    public void Remove() => Directory.Delete(_root, recursive: true);

    private static StepSnapshot Snapshot(string fingerprint, int rank) =>
        new(fingerprint, "echo", 1, new JsonObject { ["rank"] = rank }, "run-" + fingerprint);

    [Test]
    public void Save_ManySteps_OneFileForTheWorkflow_LastSnapshotOfAStepWins()
    {
        var layout = new ProjectLayout(_root);
        var store = new StepSnapshotStore(layout);
        for (var i = 0; i < 50; i++) store.Save("wf", $"s{i}", Snapshot($"f{i}", i));
        store.Save("wf", "s3", Snapshot("f3b", 16));

        Assert.That(Directory.GetFileSystemEntries(layout.StepStates), Is.EqualTo(new[] { Path.Combine(layout.StepStates, "wf.jsonl") }));
        var fresh = new StepSnapshotStore(layout); // as another process reads it
        Assert.That(fresh.Load("wf", "s3")!.Fingerprint, Is.EqualTo("f3b"));
        Assert.That(fresh.Load("wf", "s3")!.Options["rank"]!.GetValue<int>(), Is.EqualTo(16));
        Assert.That(fresh.Load("wf", "s49")!.RunId, Is.EqualTo("run-f49"));
        Assert.That(fresh.Load("wf", "missing"), Is.Null);
        Assert.That(fresh.Load("other", "s3"), Is.Null);
    }

    [Test]
    public void Load_TornLine_SkipsItAndKeepsTheOthers()
    {
        var layout = new ProjectLayout(_root);
        var store = new StepSnapshotStore(layout);
        store.Save("wf", "a", Snapshot("fa", 1));
        File.AppendAllText(Path.Combine(layout.StepStates, "wf.jsonl"), "{\"step\":\"b\",\"snap"); // a killed writer
        store.Save("wf", "c", Snapshot("fc", 3));

        var fresh = new StepSnapshotStore(layout);
        Assert.That(fresh.Load("wf", "a")!.Fingerprint, Is.EqualTo("fa"));
        Assert.That(fresh.Load("wf", "b"), Is.Null);
    }

    [Test]
    public void Save_RewritingTheSameStepsPastTheThreshold_CompactsTheFile()
    {
        var layout = new ProjectLayout(_root);
        var store = new StepSnapshotStore(layout);
        var path = Path.Combine(layout.StepStates, "wf.jsonl");
        var padding = new string('x', 2000);
        for (var i = 0; i < 1500; i++)
            store.Save("wf", $"s{i % 10}", new StepSnapshot($"f{i}", "echo", 1, new JsonObject { ["pad"] = padding }, "run"));

        Assert.That(new FileInfo(path).Length, Is.LessThan(StepSnapshotStore.CompactFrom), "1,500 lines of ~2 KB, 10 steps: compacted on the way");
        Assert.That(new StepSnapshotStore(layout).Load("wf", "s9")!.Fingerprint, Is.EqualTo("f1499"));
    }

    [Test]
    public void Load_SnapshotFileOfAnEarlierVersion_IsStillRead()
    {
        var layout = new ProjectLayout(_root);
        var legacy = Path.Combine(layout.StepStates, "wf", "a.json");
        AtomicFile.WriteAllText(legacy, System.Text.Json.JsonSerializer.Serialize(Snapshot("old", 8), EngineJson.Options));
        Assert.That(new StepSnapshotStore(layout).Load("wf", "a")!.Fingerprint, Is.EqualTo("old"));
    }
}
