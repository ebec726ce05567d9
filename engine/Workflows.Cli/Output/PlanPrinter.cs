using Workflows.Engine.Planning;

namespace Workflows.Cli.Output;

/// <summary>Prints a plan as an aligned table in execution order.</summary>
internal static class PlanPrinter
{
    public static void Print(ExecutionPlan plan, TextWriter writer)
    {
        var workflow = plan.Workflow.Definition;
        writer.WriteLine($"{workflow.Name} v{workflow.Version} ({workflow.SourcePath})");
        var nameWidth = Math.Max(4, plan.Steps.Max(s => s.Step.Name.Length));
        var typeWidth = Math.Max(4, plan.Steps.Max(s => s.Step.Type.Name.Length));
        foreach (var (step, index) in plan.Steps.Select((s, i) => (s, i + 1)))
        {
            var decision = step.Decision switch { StepDecision.Run => "run", StepDecision.Cached => "cached", _ => "-" };
            var needs = step.Step.DependsOn.Count == 0 ? "" : $"  ← {string.Join(", ", step.Step.DependsOn.Order(StringComparer.Ordinal))}";
            writer.WriteLine($"{index,3}. {step.Step.Name.PadRight(nameWidth)}  {step.Step.Type.Name.PadRight(typeWidth)}  {decision,-6}  {step.Reason}{needs}");
        }
        var toRun = plan.Steps.Count(s => s.Decision == StepDecision.Run);
        writer.WriteLine(toRun == 0 ? "nothing to run: every selected step is cached" : $"{toRun} step(s) to run, {plan.Steps.Count(s => s.Decision == StepDecision.Cached)} cached");
    }
}
