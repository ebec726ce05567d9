using Workflows.Engine.Steps;
using Workflows.Steps.Augment;
using Workflows.Steps.Evaluate;
using Workflows.Steps.Guard;
using Workflows.Steps.Ingest;
using Workflows.Steps.Merge;
using Workflows.Steps.Package;
using Workflows.Steps.Split;
using Workflows.Steps.Train;

namespace Workflows.Steps;

/// <summary>The step library shipped with `wf`: one registration line per step type.</summary>
public sealed class BuiltInSteps : IStepLibrary
{
    public void Register(IStepRegistry registry)
    {
        registry.Add<IngestStep, IngestOptions>();
        registry.Add<AugmentStep, AugmentOptions>();
        registry.Add<SplitStep, SplitOptions>();
        registry.Add<TrainStep, TrainOptions>();
        registry.Add<EvaluateStep, EvaluateOptions>();
        registry.Add<GuardStep, GuardOptions>();
        registry.Add<MergeStep, MergeOptions>();
        registry.Add<PackageStep, PackageOptions>();
    }
}
