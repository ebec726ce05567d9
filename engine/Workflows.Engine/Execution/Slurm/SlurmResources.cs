using Workflows.Engine.Definition;
using Workflows.Engine.Validation;

namespace Workflows.Engine.Execution.Slurm;

/// <summary>What one step's job asks for: its <c>resources:</c> with the defaults filled in.</summary>
public static class SlurmResources
{
    /// <summary>The step's resources; a step that uses the device gets one GPU unless it says otherwise
    /// and the run's device is <c>auto</c> or <c>cuda</c>/<c>cuda:N</c> (a <c>cpu</c> run asks for none).</summary>
    public static StepResources For(ValidatedStep step, string device)
    {
        var written = step.Definition.Resources ?? StepResources.None;
        if (written.Gpus is not null) return written;
        var wantsGpu = step.Type.UsesDevice && (device == "auto" || device.StartsWith("cuda", StringComparison.Ordinal));
        return written with { Gpus = wantsGpu ? 1 : 0 };
    }
}
