namespace Workflows.Steps.Train;

/// <summary>Learning-rate shape after warm-up.</summary>
public enum SchedulerKind
{
    /// <summary>Straight down to 0 at the last step.</summary>
    Linear,
    /// <summary>Half a cosine down to 0 at the last step.</summary>
    Cosine,
    /// <summary>Flat at <c>optimizer.lr</c>.</summary>
    Constant,
}
