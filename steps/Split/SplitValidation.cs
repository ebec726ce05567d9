using Workflows.Engine.Steps;
using Workflows.Steps.Datasets;

namespace Workflows.Steps.Split;

/// <summary>Checks the attributes cannot express, and which outputs the options produce.</summary>
internal static class SplitValidation
{
    public static List<OptionError> Check(SplitOptions options)
    {
        var problems = new List<OptionError>();
        var (train, validation, test) = (options.Ratios.Train, options.Ratios.Validation, options.Ratios.Test);
        var sum = train + validation + test;
        if (options.KFold is null && Math.Abs(sum - 1) > 1e-6)
            problems.Add(new("ratios", $"must add up to 1, got train {train:G} + validation {validation:G} + test {test:G} = {Math.Round(sum, 9):G}",
                "a split left out of ratios: gets 0; give all three, e.g. { train: 0.8, validation: 0.1, test: 0.1 }"));
        if (options.KFold is null && train <= 0) problems.Add(new("ratios.train", "must be above 0"));
        if (options.KFold is { } k && k.Fold >= k.Folds) problems.Add(new("k_fold.fold", $"must be below k_fold.folds ({k.Folds}), got {k.Fold}"));
        var known = string.Join(", ", DatasetColumns.Names);
        if (options.Method != SplitMethod.Random && DatasetColumns.Reader(options.GroupBy) is null)
            problems.Add(new("group_by", $"unknown column '{options.GroupBy}'; columns are {known}"));
        if (options.Method == SplitMethod.Stratified && DatasetColumns.Reader(options.StratifyBy) is null)
            problems.Add(new("stratify_by", $"unknown column '{options.StratifyBy}'; columns are {known}"));
        return problems;
    }

    public static IEnumerable<SplitPart> Outputs(SplitOptions options)
    {
        yield return SplitPart.Train;
        yield return SplitPart.Validation;
        if (options.KFold is null && options.Ratios.Test > 0) yield return SplitPart.Test;
    }
}
