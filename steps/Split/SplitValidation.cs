using Workflows.Steps.Datasets;

namespace Workflows.Steps.Split;

/// <summary>Checks the attributes cannot express, and which outputs the options produce.</summary>
internal static class SplitValidation
{
    public static List<string> Check(SplitOptions options)
    {
        var problems = new List<string>();
        var sum = options.Ratios.Train + options.Ratios.Validation + options.Ratios.Test;
        if (options.KFold is null && Math.Abs(sum - 1) > 1e-6)
            problems.Add($"ratios must add up to 1, got {options.Ratios.Train:G} + {options.Ratios.Validation:G} + {options.Ratios.Test:G} = {sum:G}");
        if (options.KFold is null && options.Ratios.Train <= 0) problems.Add("ratios.train must be above 0");
        if (options.KFold is { } k && k.Fold >= k.Folds) problems.Add($"k_fold.fold must be below k_fold.folds ({k.Folds}), got {k.Fold}");
        var known = string.Join(", ", DatasetColumns.Names);
        if (options.Method != SplitMethod.Random && DatasetColumns.Reader(options.GroupBy) is null)
            problems.Add($"group_by: unknown column '{options.GroupBy}'; columns are {known}");
        if (options.Method == SplitMethod.Stratified && DatasetColumns.Reader(options.StratifyBy) is null)
            problems.Add($"stratify_by: unknown column '{options.StratifyBy}'; columns are {known}");
        return problems;
    }

    public static IEnumerable<SplitPart> Outputs(SplitOptions options)
    {
        yield return SplitPart.Train;
        yield return SplitPart.Validation;
        if (options.KFold is null && options.Ratios.Test > 0) yield return SplitPart.Test;
    }
}
