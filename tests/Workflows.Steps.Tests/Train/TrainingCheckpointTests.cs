using Workflows.Steps.Train;

namespace Workflows.Steps.Tests.Train;

public sealed class TrainingCheckpointTests
{
    [Test]
    public void BestFolder_KilledBetweenTheTwoMovesOfAReplace_PreviousBestIsPutBack()
    {
        var state = Directory.CreateTempSubdirectory("wf-checkpoint-").FullName;
        try
        {
            // What a kill leaves after the old best was moved aside and before the new one moved in.
            Directory.CreateDirectory(Path.Combine(state, "best.old"));
            File.WriteAllText(Path.Combine(state, "best.old", "adapter_config.json"), "{}");
            Directory.CreateDirectory(Path.Combine(state, "best.tmp"));

            var best = TrainingCheckpoint.BestFolder(state);

            Assert.That(File.ReadAllText(Path.Combine(best, "adapter_config.json")), Is.EqualTo("{}"));
            Assert.That(Directory.Exists(Path.Combine(state, "best.old")), Is.False);
        }
        finally
        {
            Directory.Delete(state, recursive: true);
        }
    }
}
