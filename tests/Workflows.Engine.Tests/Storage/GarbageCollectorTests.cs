using NUnit.Framework;
using Workflows.Engine.Planning;
using Workflows.Engine.Storage;
using Workflows.Engine.Tests.Support;

namespace Workflows.Engine.Tests.Storage;

public class GarbageCollectorTests
{
    [Test]
    public async Task Collectable_AfterRepeatedForcedRunsOfAnUnstableStep_IsEveryOutputButTheNewest()
    {
        using var project = new TempProject().Write("api_version: workflows/v1\nname: t\nsteps:\n  train: { uses: unstable, with: { text: adapter } }\n");
        var runs = new List<string>();
        for (var i = 0; i < 3; i++) runs.Add((await project.RunAsync(new StepSelection { Force = new HashSet<string> { "train" } })).Step("train").Outputs["out"]);
        var layout = new ProjectLayout(project.Root);
        var store = new ArtifactStore(layout);
        Assert.That(runs.Distinct().Count(), Is.EqualTo(3));

        var items = new GarbageCollector(layout).Collectable(keepRuns: 1);
        Assert.That(items.Select(i => i.Path), Is.EquivalentTo(runs.Take(2).Select(store.PathOf)));
        Assert.That(items.All(i => i.Bytes > 0 && i.What.StartsWith("adapter from t/train (run ", StringComparison.Ordinal)), Is.True);
        Assert.That(new GarbageCollector(layout).Collectable(keepRuns: 3), Is.Empty);

        GarbageCollector.Remove(items);
        Assert.That(store.List(), Is.EqualTo(new[] { runs[2] }));
        Assert.That((await project.RunAsync()).Step("train").State, Is.EqualTo(Workflows.Engine.Runs.StepState.Cached), "what the cache names is kept");
    }
}
