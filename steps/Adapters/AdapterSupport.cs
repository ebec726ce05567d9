namespace Workflows.Steps.Adapters;

/// <summary>The one place the process learns how to apply adapters. Until an <see cref="IAdapterApplier"/> is
/// registered (the train step's adapter loader does it), steps given adapters fail with <see cref="MissingMessage"/>
/// rather than report numbers that were never measured.</summary>
public static class AdapterSupport
{
    private static IAdapterApplier? _applier;

    /// <summary>What a step says when it is given adapters and no applier is registered.</summary>
    public const string MissingMessage =
        "adapters: adapter support arrives with the train step (no IAdapterApplier is registered in this build); " +
        "remove adapters: to evaluate the base model alone";

    /// <summary>The registered applier, or null.</summary>
    public static IAdapterApplier? Applier => Volatile.Read(ref _applier);

    /// <summary>Registers the applier used by evaluate and guard (call once at start-up, e.g. from
    /// <c>BuiltInSteps.Register</c>).</summary>
    public static void Use(IAdapterApplier applier) => Volatile.Write(ref _applier, applier ?? throw new ArgumentNullException(nameof(applier)));

    /// <summary>Removes the registration (tests).</summary>
    internal static void Reset() => Volatile.Write(ref _applier, null);
}
