using Microsoft.EntityFrameworkCore;
using Shelfbook.Catalog.Domain;
using Shelfbook.Data.Tenancy;
using Shelfbook.Kernel;
using Shelfbook.Platform.Api;
using Shelfbook.Platform.Spreadsheets;

namespace Shelfbook.Catalog.Features.ImportCatalog;

/// <summary>
/// Products and SKUs from a workbook (货品导入), upserted by SKU code: a known code updates its SKU (and its
/// product's name, brand, unit and category), new codes with the same product name become one product's variants
/// (or join the product of a known code with that name in the file). Every row is checked first, against the file
/// and the database; then all rows (or, with <c>validOnly</c>, the good ones) are written in one transaction, a
/// few hundred products per round trip. Importing the same file twice changes nothing the second time.
/// </summary>
public sealed class ImportProducts(TenantDbContext db, ProblemResponses problems)
{
    private const int Chunk = 1000;

    public static readonly IReadOnlyList<SheetColumn> Columns =
    [
        new("code", "商家编码", "SKU code", Required: true),
        new("name", "货品名称", "Product name", Required: true),
        new("spec", "规格", "Spec"),
        new("barcodes", "条码", "Barcodes"),
        new("brand", "品牌", "Brand"),
        new("category", "分类", "Category"),
        new("supplier", "默认供应商", "Default supplier"),
        new("unit", "单位", "Unit"),
        new("weightGrams", "重量(克)", "Weight (g)"),
        new("lengthMm", "长(毫米)", "Length (mm)"),
        new("widthMm", "宽(毫米)", "Width (mm)"),
        new("heightMm", "高(毫米)", "Height (mm)"),
        new("costPrice", "成本价(元)", "Cost price"),
        new("retailPrice", "零售价(元)", "Retail price"),
        new("safetyStock", "安全库存", "Safety stock"),
    ];

    private sealed record Line(
        SheetRow Row, SkuInput Sku, string Name, string? Brand, string? Unit, string? Category, IReadOnlyList<string> Barcodes, string? Supplier)
    {
        public string NormalizedCode => Domain.Sku.Normalize(Sku.Code ?? "");
    }

    public async Task<ImportResult> ImportAsync(Stream xlsx, bool validOnly, IProgress<ImportProgress>? progress, CancellationToken ct)
    {
        var errors = new List<RowError>();
        var lines = new List<Line>();
        var rows = new List<SheetRow>();
        foreach (var row in Workbooks.Read(xlsx, Columns))
        {
            rows.Add(row);
            if (Parse(row, errors) is { } line) lines.Add(line);
            if (rows.Count % 10_000 == 0) progress?.Report(new("read", rows.Count, 0));
        }
        if (rows.Count == 0) throw new InputRejectedException("file", "empty", "The workbook has no rows.");
        progress?.Report(new("check", 0, rows.Count));

        // Within the file: a code or barcode twice is an error on the later row.
        foreach (var twice in lines.GroupBy(l => l.NormalizedCode).Where(g => g.Count() > 1))
            foreach (var later in twice.Skip(1)) Error(errors, later.Row, "code", "duplicate_in_file", $"{later.Sku.Code} also appears on row {twice.First().Row.Number}.", later.Sku.Code!, twice.First().Row.Number);
        var barcodeOwner = new Dictionary<string, Line>(StringComparer.Ordinal);
        foreach (var line in lines)
            foreach (var barcode in line.Barcodes)
                if (!barcodeOwner.TryAdd(Domain.Sku.Normalize(barcode), line) && barcodeOwner[Domain.Sku.Normalize(barcode)].NormalizedCode != line.NormalizedCode)
                    Error(errors, line.Row, "barcodes", "duplicate_in_file", $"{barcode} also appears on row {barcodeOwner[Domain.Sku.Normalize(barcode)].Row.Number}.", barcode, barcodeOwner[Domain.Sku.Normalize(barcode)].Row.Number);

        // Against the database: which codes exist (to update) and which values belong to other SKUs.
        var existing = new Dictionary<string, (Guid SkuId, Guid ProductId)>(StringComparer.Ordinal);
        foreach (var chunk in lines.Select(l => l.NormalizedCode).Distinct().Chunk(Chunk))
            foreach (var s in await db.Set<Sku>().AsNoTracking().Where(s => EF.Parameter(chunk).Contains(s.NormalizedCode)).Select(s => new { s.NormalizedCode, s.Id, s.ProductId, s.Kind }).ToListAsync(ct))
                existing[s.NormalizedCode] = (s.Id, s.ProductId);
        var owners = new Dictionary<string, (Guid SkuId, CodeKind Kind)>(StringComparer.Ordinal);
        foreach (var chunk in lines.SelectMany(l => l.Barcodes.Select(Domain.Sku.Normalize).Append(l.NormalizedCode)).Distinct().Chunk(Chunk))
            foreach (var c in await db.Set<CatalogCode>().AsNoTracking().Where(c => EF.Parameter(chunk).Contains(c.Value)).Select(c => new { c.Value, c.SkuId, c.Kind }).ToListAsync(ct))
                owners[c.Value] = (c.SkuId, c.Kind);
        foreach (var line in lines)
        {
            Guid? self = existing.TryGetValue(line.NormalizedCode, out var e) ? e.SkuId : null;
            if (owners.TryGetValue(line.NormalizedCode, out var o) && o.SkuId != self)
                Error(errors, line.Row, "code", o.Kind == CodeKind.Alias ? "code_is_alias" : "code_is_barcode", $"{line.Sku.Code} is already the {o.Kind.ToString().ToLowerInvariant()} of another SKU.", line.Sku.Code!);
            foreach (var barcode in line.Barcodes)
                if (owners.TryGetValue(Domain.Sku.Normalize(barcode), out var b) && b.SkuId != self && Domain.Sku.Normalize(barcode) != line.NormalizedCode)
                    Error(errors, line.Row, "barcodes", "barcode_taken", $"Barcode {barcode} already belongs to another SKU.", barcode);
        }

        // A supplier is named by its code (any letter case) or its exact name; it must exist (it has contacts to fill in).
        var suppliers = await SuppliersAsync(lines.Select(l => l.Supplier).OfType<string>().Distinct(StringComparer.Ordinal).ToList(), ct);
        foreach (var line in lines)
            if (line.Supplier is { } named && !suppliers.ContainsKey(named))
                Error(errors, line.Row, "supplier", "unknown_supplier", $"No supplier has the code or name '{named}'.", named);

        // New codes group by product name; a group may join the product of a known code of the same name in the file.
        var productOfName = new Dictionary<string, Guid>(StringComparer.Ordinal);
        foreach (var group in lines.Where(l => existing.ContainsKey(l.NormalizedCode)).GroupBy(l => l.Name))
        {
            var products = group.Select(l => existing[l.NormalizedCode].ProductId).Distinct().ToList();
            if (products.Count == 1) productOfName[group.Key] = products[0];
        }

        var bad = errors.Select(e => e.Row).ToHashSet();
        var good = lines.Where(l => !bad.Contains(l.Row.Number)).ToList();
        var failed = rows.Count(r => bad.Contains(r.Number));
        if (errors.Count > 0 && !validOnly)
            return new ImportResult(rows.Count, 0, 0, 0, failed, false, errors.OrderBy(e => e.Row).ToList()) { ErrorWorkbook = Workbooks.ErrorWorkbook(Columns, rows, errors) };
        var (created, updated, unchanged) = await WriteAsync(good, existing, productOfName, suppliers, progress, ct);
        return new ImportResult(rows.Count, created, updated, unchanged, failed, true, errors.OrderBy(e => e.Row).ToList())
        {
            ErrorWorkbook = errors.Count > 0 ? Workbooks.ErrorWorkbook(Columns, rows, errors) : null,
        };
    }

    /// <summary>The template: the headers and one example row.</summary>
    public static byte[] Template()
    {
        using var output = new MemoryStream();
        Workbooks.Write(output, Columns, [new Dictionary<string, object?>
        {
            ["code"] = "TEE-WHT-M", ["name"] = "纯棉圆领T恤", ["spec"] = "白色 M", ["barcodes"] = "6970000000011", ["brand"] = "山海",
            ["category"] = "服装/T恤", ["unit"] = "件", ["weightGrams"] = 180, ["costPrice"] = 25, ["retailPrice"] = 59.9m, ["safetyStock"] = 20,
        }]);
        return output.ToArray();
    }

    private async Task<(int Created, int Updated, int Unchanged)> WriteAsync(
        List<Line> lines, Dictionary<string, (Guid SkuId, Guid ProductId)> existing, Dictionary<string, Guid> productOfName,
        Dictionary<string, Guid> suppliers, IProgress<ImportProgress>? progress, CancellationToken ct)
    {
        var now = db.Time.StoredUtcNow();
        var tracking = db.ChangeTracker.AutoDetectChangesEnabled;
        // Changes are detected once per chunk, explicitly: detecting on every lookup made a chunk quadratic.
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        try
        {
            return await WriteInTransactionAsync(lines, existing, productOfName, suppliers, progress, now, ct);
        }
        finally
        {
            db.ChangeTracker.AutoDetectChangesEnabled = tracking;
        }
    }

    private async Task<(int Created, int Updated, int Unchanged)> WriteInTransactionAsync(
        List<Line> lines, Dictionary<string, (Guid SkuId, Guid ProductId)> existing, Dictionary<string, Guid> productOfName,
        Dictionary<string, Guid> suppliers, IProgress<ImportProgress>? progress, DateTime now, CancellationToken ct)
    {
        int created = 0, updated = 0, unchanged = 0, done = 0;
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var categories = await CategoriesAsync(lines.Select(l => l.Category).OfType<string>().Distinct().ToList(), ct);
        // Updates: a chunk of known codes at a time, loaded with what a SKU keeps in step (barcodes, codes, aliases).
        foreach (var chunk in lines.Where(l => existing.ContainsKey(l.NormalizedCode)).Chunk(Chunk))
        {
            var codes = chunk.Select(l => l.NormalizedCode).ToList();
            var skus = await db.Set<Sku>().Include(s => s.Barcodes).Include(s => s.Codes).Include(s => s.Aliases).AsSplitQuery()
                .Where(s => codes.Contains(s.NormalizedCode)).ToDictionaryAsync(s => s.NormalizedCode, ct);
            var productIds = skus.Values.Select(s => s.ProductId).Distinct().ToList();
            var products = await db.Set<Product>().Where(p => productIds.Contains(p.Id)).ToDictionaryAsync(p => p.Id, ct);
            foreach (var line in chunk)
            {
                var sku = skus[line.NormalizedCode];
                // A blank cell (or a column the sheet leaves out) keeps what the SKU has; the code keeps its spelling.
                var given = line.Sku;
                sku.Update(new SkuInput(sku.Code, given.Spec ?? sku.Spec, line.Barcodes.Count > 0 ? line.Barcodes : sku.Barcodes.Select(b => b.Code).ToList(),
                    given.WeightGrams ?? sku.WeightGrams, given.LengthMm ?? sku.LengthMm, given.WidthMm ?? sku.WidthMm, given.HeightMm ?? sku.HeightMm,
                    given.CostPrice ?? sku.CostPrice, given.RetailPrice ?? sku.RetailPrice, given.SafetyStock ?? sku.SafetyStock), now);
                var product = products[sku.ProductId];
                product.Update(new ProductInput(line.Name, line.Brand ?? product.Brand, line.Unit ?? product.Unit, product.Notes, product.Images,
                    CategoryId: line.Category is null ? product.CategoryId : categories[line.Category],
                    DefaultSupplierId: line.Supplier is null ? product.DefaultSupplierId : suppliers[line.Supplier]), now);
            }
            db.ChangeTracker.DetectChanges();
            // Touching UpdatedAt alone is not a change: put it back where nothing else moved.
            foreach (var entry in db.ChangeTracker.Entries().Where(e => e.State == EntityState.Modified).ToList())
                if (entry.Properties.Where(p => p.IsModified).All(p => p.Metadata.Name == "UpdatedAt")) entry.State = EntityState.Unchanged;
            var barcodesChanged = db.ChangeTracker.Entries<SkuBarcode>().Where(b => b.State != EntityState.Unchanged).Select(b => b.Entity.SkuId).ToHashSet();
            foreach (var sku in skus.Values)
            {
                var changed = db.Entry(sku).State == EntityState.Modified || db.Entry(products[sku.ProductId]).State == EntityState.Modified
                              || barcodesChanged.Contains(sku.Id);
                if (changed) updated++;
                else unchanged++;
            }
            await db.SaveChangesAsync(ct);
            db.ChangeTracker.Clear();
            done += chunk.Length;
            progress?.Report(new("write", done, lines.Count));
        }
        // New products: grouped by name (or joining a product found above), a few hundred products per save.
        {
            var groups = lines.Where(l => !existing.ContainsKey(l.NormalizedCode)).GroupBy(l => l.Name).ToList();
            var batch = 0;
            foreach (var group in groups)
            {
                if (productOfName.TryGetValue(group.Key, out var productId))
                {
                    // New variants of a product that exists: the product changes too, so this goes through SaveChanges.
                    await SaveBatchAsync(ct);
                    batch = 0;
                    var product = await db.Set<Product>().Include(p => p.Skus).SingleAsync(p => p.Id == productId, ct);
                    foreach (var line in group) db.Set<Sku>().Add(product.AddSku(line.Sku, now));
                    db.ChangeTracker.DetectChanges();
                    await db.SaveChangesAsync(ct);
                    db.ChangeTracker.Clear();
                    created += group.Count();
                    done += group.Count();
                    continue;
                }
                else
                {
                    var first = group.First();
                    db.Set<Product>().Add(Product.Create(new ProductInput(first.Name, first.Brand, first.Unit,
                        Skus: group.Select(l => l.Sku).ToList(), CategoryId: first.Category is null ? null : categories[first.Category],
                        DefaultSupplierId: first.Supplier is null ? null : suppliers[first.Supplier]), now));
                }
                created += group.Count();
                batch += group.Count();
                done += group.Count();
                if (batch >= Chunk)
                {
                    await SaveBatchAsync(ct);
                    batch = 0;
                    progress?.Report(new("write", done, lines.Count));
                }
            }
            await SaveBatchAsync(ct);
        }
        await transaction.CommitAsync(ct);
        progress?.Report(new("done", lines.Count, lines.Count));
        return (created, updated, unchanged);
    }

    /// <summary>New products and their SKUs go through the bulk path (prepared inserts / binary COPY), audit entries included.</summary>
    private async Task SaveBatchAsync(CancellationToken ct)
    {
        await db.BulkInsertAddedAsync(ct);
    }

    /// <summary>Category paths ("服装/T恤" or "服装 › T恤") to ids, creating the missing levels.</summary>
    private async Task<Dictionary<string, Guid>> CategoriesAsync(List<string> paths, CancellationToken ct)
    {
        var result = new Dictionary<string, Guid>(StringComparer.Ordinal);
        if (paths.Count == 0) return result;
        var all = await db.Set<Category>().ToListAsync(ct);
        foreach (var path in paths)
        {
            Guid? parent = null;
            foreach (var name in Levels(path))
            {
                var found = all.FirstOrDefault(c => c.ParentId == parent && string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase));
                if (found is null)
                {
                    found = Category.Create(new CategoryInput(name, parent), new CategoryTree(all.Select(c => (c.Id, c.ParentId, c.Name))));
                    all.Add(found);
                    db.Set<Category>().Add(found);
                }
                parent = found.Id;
            }
            result[path] = parent!.Value;
        }
        await db.SaveChangesAsync(ct);
        return result;
    }

    /// <summary>Supplier cells to ids: by code (normalized) first, then by exact name; a name two suppliers share names neither.</summary>
    private async Task<Dictionary<string, Guid>> SuppliersAsync(List<string> named, CancellationToken ct)
    {
        var result = new Dictionary<string, Guid>(StringComparer.Ordinal);
        if (named.Count == 0) return result;
        var all = await db.Set<Supplier>().AsNoTracking().Select(s => new { s.Id, s.NormalizedCode, s.Name }).ToListAsync(ct);
        var byCode = all.ToDictionary(s => s.NormalizedCode, s => s.Id, StringComparer.Ordinal);
        var byName = all.GroupBy(s => s.Name, StringComparer.Ordinal).Where(g => g.Count() == 1).ToDictionary(g => g.Key, g => g.Single().Id, StringComparer.Ordinal);
        foreach (var cell in named)
            if (byCode.TryGetValue(Sku.Normalize(cell), out var id) || byName.TryGetValue(cell, out id)) result[cell] = id;
        return result;
    }

    /// <summary>"服装/女装/T恤" (or with › or >) → its level names.</summary>
    private static string[] Levels(string path) => path.Split(['/', '›', '>'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>Reads one row into a SKU line, checking it as the product editor would; errors name the row and column.</summary>
    private Line? Parse(SheetRow row, List<RowError> errors)
    {
        var check = new InputCheck();
        var barcodes = (row.Text("barcodes") ?? "").Split([',', '，', ';', '；', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var sku = new SkuInput(row.Text("code"), row.Text("spec"), barcodes,
            Workbooks.WholeNumber(row, "weightGrams", check, "weightGrams"), Workbooks.WholeNumber(row, "lengthMm", check, "lengthMm"),
            Workbooks.WholeNumber(row, "widthMm", check, "widthMm"), Workbooks.WholeNumber(row, "heightMm", check, "heightMm"),
            Workbooks.Money(row, "costPrice", check, "costPrice"), Workbooks.Money(row, "retailPrice", check, "retailPrice"),
            Workbooks.WholeNumber(row, "safetyStock", check, "safetyStock"));
        var name = row.Text("name");
        var category = row.Text("category");
        if (category is not null)
        {
            // Checked here, per row, so that a bad path names its row instead of failing the whole import later.
            var levels = Levels(category);
            if (levels.Length == 0) check.Add("category", "invalid_category", $"'{category}' names no category.", category);
            else if (levels.Length > Category.MaxDepth) check.Add("category", "too_deep", $"Categories nest at most {Category.MaxDepth} levels.", Category.MaxDepth);
            else if (levels.Any(l => l.Length > Category.NameMax)) check.Add("category", "too_long", $"A category name has at most {Category.NameMax} characters.", Category.NameMax);
        }
        try
        {
            Product.Create(new ProductInput(name, row.Text("brand"), row.Text("unit"), Skus: [sku]), DateTime.UnixEpoch);
        }
        catch (InputRejectedException e)
        {
            foreach (var error in e.Errors) check.Add(error.Field.Replace("skus[0].", "", StringComparison.Ordinal), error.Code, error.Message, error.Arguments);
        }
        if (check.HasErrors)
        {
            try { check.ThrowIfAny(); }
            catch (InputRejectedException e)
            {
                foreach (var error in e.Errors) Error(errors, row, error.Field, error.Code, error.Message, error.Arguments);
            }
            return null;
        }
        return new Line(row, sku, name!, row.Text("brand"), row.Text("unit"), category, barcodes, row.Text("supplier"));
    }

    /// <summary>Records a row's error in the caller's language, under the column's template header.</summary>
    private void Error(List<RowError> errors, SheetRow row, string field, string code, string message, params object[] arguments)
    {
        var column = Columns.FirstOrDefault(c => field.StartsWith(c.Field, StringComparison.Ordinal))?.Chinese ?? field;
        var text = problems.Messages([new FieldError(field, code, message, arguments)]).Single().Value.Single();
        errors.Add(new RowError(row.Number, column, code, text));
    }
}
