namespace Shelfbook.Platform.Spreadsheets;

/// <summary>
/// What an import did. With errors and without <c>validOnly</c>, nothing was written (<see cref="Written"/> false);
/// <see cref="ErrorWorkbook"/> then holds the rows with an error column, to fix and upload again.
/// </summary>
public sealed record ImportResult(int Rows, int Created, int Updated, int Unchanged, int Failed, bool Written, IReadOnlyList<RowError> Errors)
{
    /// <summary>Not serialized to JSON: the API sends it as the body when asked for the workbook.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public byte[]? ErrorWorkbook { get; init; }
}

public sealed record ImportProgress(string Stage, int Done, int Total);
