namespace Workflows.Engine.Runs;

public enum StepState { Pending, Running, Succeeded, Failed, Cached, Skipped, NotSelected, Cancelled }
