namespace Workflows.Engine.Registry;

/// <summary>A step library could not be loaded or conflicts with another; the message says what to do.</summary>
public sealed class StepLibraryException(string message, Exception? inner = null) : Exception(message, inner);
