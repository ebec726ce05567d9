namespace Workflows.Steps.Train;

/// <summary>A piece of a rendered example; <paramref name="Trainable"/> pieces (completions) carry the loss.</summary>
public sealed record TextSegment(string Text, bool Trainable);
