using System.Globalization;
using MiniExcelLibs;
using Shelfbook.Kernel;

namespace Shelfbook.Platform.Spreadsheets;

/// <summary>One problem of an import: the workbook row, the column (its template header) and what is wrong.</summary>
public sealed record RowError(int Row, string Column, string Code, string Message);

/// <summary>A column of an import sheet: the field it fills, its Chinese header (the template's) and the English one also accepted.</summary>
public sealed record SheetColumn(string Field, string Chinese, string English, bool Required = false);

/// <summary>One data row of an uploaded sheet: its row number in the workbook and its cells by field.</summary>
public sealed record SheetRow(int Number, IReadOnlyDictionary<string, object?> Cells)
{
    public string? Text(string field) => Cells.GetValueOrDefault(field) switch
    {
        null => null,
        string s => string.IsNullOrWhiteSpace(s) ? null : s.Trim(),
        double d => d.ToString("0.##########", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        var other => other.ToString()?.Trim(),
    };
}

/// <summary>
/// Reading and writing the import sheets with MiniExcel, row by row: a sheet is never held whole, and a file that
/// is not an xlsx workbook, misses a required column or has more rows than <see cref="MaxRows"/> is a clear error.
/// </summary>
public static class Workbooks
{
    public const int MaxRows = 200_000;

    /// <summary>Uploads larger than this are refused before reading (a full 200,000-row product sheet is about 15 MB).</summary>
    public const long MaxBytes = 30L * 1024 * 1024;

    public const string ContentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    /// <summary>An uploaded workbook (form field <c>file</c>) in memory, refused when missing, empty or larger than <see cref="MaxBytes"/>.</summary>
    public static async Task<Stream> OpenUploadAsync(Microsoft.AspNetCore.Http.IFormFile? file, CancellationToken ct)
    {
        if (file is null || file.Length == 0) throw new InputRejectedException("file", "required", "Send the workbook as the form field 'file'.");
        if (file.Length > MaxBytes)
            throw new InputRejectedException("file", "too_large", $"The file is larger than {MaxBytes / 1024 / 1024} MB; split it.", MaxBytes / 1024 / 1024);
        var buffer = new MemoryStream((int)file.Length);
        await file.CopyToAsync(buffer, ct);
        buffer.Position = 0;
        return buffer;
    }

    /// <summary>The data rows, with headers matched to <paramref name="columns"/> (either language, '*' and spaces ignored).</summary>
    public static IEnumerable<SheetRow> Read(Stream xlsx, IReadOnlyList<SheetColumn> columns)
    {
        if (!IsXlsx(xlsx)) throw new InputRejectedException("file", "not_xlsx", "The file is not an Excel workbook (.xlsx).");
        IEnumerator<IDictionary<string, object?>> rows;
        try
        {
            rows = xlsx.Query(excelType: ExcelType.XLSX).Cast<IDictionary<string, object?>>().GetEnumerator();
            if (!rows.MoveNext()) throw new InputRejectedException("file", "empty", "The workbook has no rows.");
        }
        catch (Exception e) when (e is not ShelfbookException)
        {
            throw new InputRejectedException("file", "not_xlsx", "The file is not an Excel workbook (.xlsx).");
        }
        using (rows)
        {
            var header = rows.Current;
            var map = new Dictionary<string, string>();
            foreach (var (cell, value) in header)
            {
                var name = Clean(value?.ToString());
                if (columns.FirstOrDefault(c => Clean(c.Chinese) == name || string.Equals(Clean(c.English), name, StringComparison.OrdinalIgnoreCase)) is { } column)
                    map[cell] = column.Field;
            }
            var missing = columns.Where(c => c.Required && !map.ContainsValue(c.Field)).Select(c => c.Chinese).ToList();
            if (missing.Count > 0)
                throw new InputRejectedException("file", "missing_columns", $"Required columns are missing: {string.Join(", ", missing)}.", string.Join("、", missing));
            var number = 1;
            while (Next(rows, number + 1))
            {
                number++;
                var cells = new Dictionary<string, object?>();
                foreach (var (cell, field) in map) cells[field] = rows.Current.TryGetValue(cell, out var v) ? v : null;
                if (cells.Values.All(v => v is null || (v is string s && string.IsNullOrWhiteSpace(s)))) continue;
                if (number - 1 > MaxRows)
                    throw new InputRejectedException("file", "too_many_rows", $"The sheet has more than {MaxRows:N0} rows; split it into smaller files.", MaxRows);
                yield return new SheetRow(number, cells);
            }
        }
    }

    /// <summary>The next row; a row the reader cannot make sense of is an error naming it, not a crash.</summary>
    private static bool Next(IEnumerator<IDictionary<string, object?>> rows, int number)
    {
        try
        {
            return rows.MoveNext();
        }
        catch (Exception e) when (e is not ShelfbookException and not OperationCanceledException)
        {
            throw new InputRejectedException("file", "unreadable_row", $"Row {number} cannot be read: the workbook is damaged.", number);
        }
    }

    /// <summary>A sheet with the template's Chinese headers and the given rows (field → value), streamed into <paramref name="output"/>.</summary>
    public static void Write(Stream output, IReadOnlyList<SheetColumn> columns, IEnumerable<IReadOnlyDictionary<string, object?>> rows, string? extraHeader = null, Func<IReadOnlyDictionary<string, object?>, object?>? extra = null)
    {
        IEnumerable<IDictionary<string, object?>> Lines()
        {
            foreach (var row in rows)
            {
                var line = new Dictionary<string, object?>();
                foreach (var column in columns) line[column.Chinese] = row.GetValueOrDefault(column.Field);
                if (extraHeader is not null) line[extraHeader] = extra?.Invoke(row);
                yield return line;
            }
        }
        var lines = Lines();
        // MiniExcel takes the headers from the first row; an empty template still needs them.
        if (!rows.Any()) lines = [columns.ToDictionary(c => c.Chinese, _ => (object?)null)];
        output.SaveAs(lines, excelType: ExcelType.XLSX);
    }

    /// <summary>The uploaded rows with an "错误" column naming each bad row's column and problem; good rows keep it empty.</summary>
    public static byte[] ErrorWorkbook(IReadOnlyList<SheetColumn> columns, IReadOnlyList<SheetRow> rows, IReadOnlyList<RowError> errors)
    {
        var byRow = errors.GroupBy(e => e.Row).ToDictionary(g => g.Key, g => string.Join("；", g.Select(e => $"{e.Column}: {e.Message}")));
        using var output = new MemoryStream();
        Write(output, columns, rows.Select(r => (IReadOnlyDictionary<string, object?>)new Dictionary<string, object?>(r.Cells) { ["#row"] = r.Number }),
            "错误 (error)", r => byRow.GetValueOrDefault((int)r["#row"]!));
        return output.ToArray();
    }

    /// <summary>A sheet as bytes: the template (one example row) or an export.</summary>
    public static byte[] Sheet(IReadOnlyList<SheetColumn> columns, IEnumerable<IReadOnlyDictionary<string, object?>> rows)
    {
        using var output = new MemoryStream();
        Write(output, columns, rows);
        return output.ToArray();
    }

    /// <summary>An xlsx is a zip: it starts with "PK\x03\x04".</summary>
    private static bool IsXlsx(Stream stream)
    {
        if (!stream.CanSeek) return true;
        Span<byte> head = stackalloc byte[4];
        var read = stream.Read(head);
        stream.Position = 0;
        return read == 4 && head[0] == 0x50 && head[1] == 0x4B && head[2] == 3 && head[3] == 4;
    }

    private static string Clean(string? header) => (header ?? "").Replace("*", "", StringComparison.Ordinal).Replace(" ", "", StringComparison.Ordinal).Trim();

    public static int? WholeNumber(SheetRow row, string field, InputCheck check, string fieldName)
    {
        var text = row.Text(field);
        if (text is null) return null;
        if (decimal.TryParse(text, NumberStyles.Number, CultureInfo.InvariantCulture, out var value) && value == decimal.Truncate(value) && value is >= int.MinValue and <= int.MaxValue)
            return (int)value;
        check.Add(fieldName, "not_a_number", $"'{text}' is not a whole number.", text);
        return null;
    }

    /// <summary>Money typed in yuan ("59.9") → fen.</summary>
    public static long? Money(SheetRow row, string field, InputCheck check, string fieldName)
    {
        var text = row.Text(field);
        if (text is null) return null;
        if (decimal.TryParse(text, NumberStyles.Number, CultureInfo.InvariantCulture, out var yuan) && Math.Abs(yuan) <= MinorUnits.MaxMajor && decimal.Round(yuan, 2) == yuan)
            return MinorUnits.FromMajor(yuan);
        check.Add(fieldName, "not_money", $"'{text}' is not an amount in yuan with at most two decimals.", text);
        return null;
    }
}
