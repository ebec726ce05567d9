namespace Workflows.Engine.Steps;

/// <summary>The activity contract every step implements: a pure function of its options and input
/// artifacts that writes its outputs through the context.</summary>
/// <typeparam name="TOptions">The step's options record, bound from <c>with:</c> (snake_case keys).</typeparam>
/// <remarks>Decorate the class with <see cref="StepAttribute"/> and one <see cref="StepOutputAttribute"/>
/// per output. Expected failures (a failed gate, bad rows over the limit) are returned as
/// <see cref="StepResult.Failed"/>; exceptions are reserved for bugs and are reported as such.</remarks>
public interface IStep<in TOptions> where TOptions : class
{
    Task<StepResult> RunAsync(TOptions options, IStepContext context, CancellationToken cancellationToken);
}
