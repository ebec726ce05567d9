namespace Workflows.Torch.Adapters;

/// <summary>An adapter configuration that does not fit the model (unknown target, rank out of range,
/// adapter file that does not match its config). The message is one line saying what to change.</summary>
public sealed class AdapterConfigException(string message) : Exception(message);
