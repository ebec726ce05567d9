namespace Workflows.Engine.Runs;

public enum RunStatus { Running, Succeeded, Failed, Cancelled }
