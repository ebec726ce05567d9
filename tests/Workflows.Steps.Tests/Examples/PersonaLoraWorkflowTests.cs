using System.Text.Json;
using Workflows.Engine.Runs;
using Workflows.Steps.Tests.TestSupport;
using Workflows.Steps.Train;
using Workflows.Torch.Adapters;

namespace Workflows.Steps.Tests.Examples;

/// <summary>The persona-lora example runs through the engine, cut to a few steps per adapter.</summary>
[TestFixture]
public sealed class PersonaLoraWorkflowTests
{
    [Test]
    public async Task Run_ThreeStepsPerMethod_EveryAdapterLowersValidationLoss()
    {
        using var engine = new EngineRun();
        var record = await engine.RunAsync("examples/persona-lora/workflow.yaml", new Dictionary<string, string> { ["steps"] = "3" });
        Assert.That(record.Steps.Where(s => s.State != StepState.Succeeded).Select(s => $"{s.Name}: {s.Error}"), Is.Empty);
        foreach (var (step, dora) in new[] { ("lora", false), ("qlora", false), ("dora", true) })
        {
            var folder = engine.Output(record, step, "adapter");
            Assert.That(PeftAdapterFiles.ReadConfig(folder).UseDora, Is.EqualTo(dora), step);
            using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, TrainingSummary.FileName)));
            var root = summary.RootElement;
            Assert.That(root.GetProperty("steps").GetInt32(), Is.EqualTo(3), step);
            Assert.That(root.GetProperty("best_val_loss").GetDouble(), Is.LessThan(root.GetProperty("base_val_loss").GetDouble()), step);
        }
    }
}
