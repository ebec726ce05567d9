namespace Workflows.Steps.Train;

/// <summary>The learning rate at an optimizer step: linear warm-up from 0, then the chosen decay. The
/// same values as Hugging Face's <c>get_*_schedule_with_warmup</c> and torchtune: step 0 of a warm-up
/// runs at 0, step k at peak · k / warmup_steps, and the peak is first reached when warm-up ends.</summary>
public static class LearningRate
{
    /// <summary>Rate for 0-based <paramref name="step"/> of <paramref name="totalSteps"/>.</summary>
    public static double At(int step, int totalSteps, int warmupSteps, SchedulerKind kind, double peak)
    {
        if (step < warmupSteps) return peak * step / warmupSteps;
        if (kind == SchedulerKind.Constant) return peak;
        var progress = totalSteps <= warmupSteps ? 1.0 : (double)(step - warmupSteps) / (totalSteps - warmupSteps);
        return kind == SchedulerKind.Linear
            ? peak * (1 - progress)
            : peak * 0.5 * (1 + Math.Cos(Math.PI * progress));
    }
}
