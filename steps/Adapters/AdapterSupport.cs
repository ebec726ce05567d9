namespace Workflows.Steps.Adapters;

/// <summary>How evaluate and guard put adapters on a base model: PEFT-layout folders written by the
/// train step, unless a different <see cref="IAdapterApplier"/> is installed (another adapter format,
/// or a test double).</summary>
public static class AdapterSupport
{
    private static readonly IAdapterApplier Default = new PeftAdapterApplier();
    private static IAdapterApplier _applier = Default;

    /// <summary>The applier in use.</summary>
    public static IAdapterApplier Applier => Volatile.Read(ref _applier);

    /// <summary>Installs another applier for the whole process.</summary>
    public static void Use(IAdapterApplier applier) => Volatile.Write(ref _applier, applier ?? throw new ArgumentNullException(nameof(applier)));

    /// <summary>Goes back to the PEFT applier (tests).</summary>
    internal static void Reset() => Volatile.Write(ref _applier, Default);
}
