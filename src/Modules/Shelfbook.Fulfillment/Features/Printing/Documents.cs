using Microsoft.Extensions.Configuration;
using Shelfbook.Kernel;
using Shelfbook.Fulfillment.Features.Waves;
using SkiaSharp;

namespace Shelfbook.Fulfillment.Features.Printing;

/// <summary>What a shipping label shows.</summary>
public sealed record LabelData(
    string TrackingNo, string CarrierName, string? ServiceName, string OrderNo, int Slot, string ReceiverName, string ReceiverPhone, string ReceiverAddress,
    string SenderName, string SenderPhone, string SenderAddress, string Goods, int Quantity, long WeightGrams, string? Remark, bool Reprint);

/// <summary>A label's page (millimetres) and the fields it shows (<see cref="Domain.LabelTemplate.AllFields"/>).</summary>
public sealed record LabelLayout(float WidthMm, float HeightMm, IReadOnlySet<string> Fields)
{
    public static LabelLayout Of(Domain.LabelTemplate template) => new(template.WidthMm, template.HeightMm, template.FieldSet);

    public bool Shows(string field) => Fields.Contains(field);
}

/// <summary>What a packing slip (发货单) lists: the order, its receiver and remarks, and each item.</summary>
public sealed record PackingSlipData(
    string OrderNo, string? ShopName, string? PlatformOrderNo, DateTime? PaidAt, string ReceiverName, string ReceiverPhone, string ReceiverAddress,
    string? CarrierName, string? TrackingNo, string? BuyerMessage, string? SellerMemo, IReadOnlyList<PackingSlipLine> Lines);

public sealed record PackingSlipLine(string SkuCode, string Name, int Quantity, string? BinCode);

/// <summary>
/// The fonts the documents are drawn with: Noto Sans CJK SC from Debian's <c>fonts-noto-cjk</c> (the collection's face 2
/// is Simplified Chinese), embedded in each PDF as a subset so that Chinese prints and extracts as text anywhere.
/// <c>Printing:FontDirectory</c> points elsewhere when the fonts live elsewhere.
/// </summary>
public sealed class DocumentFonts : IDisposable
{
    public const string DefaultDirectory = "/usr/share/fonts/opentype/noto";
    private const int SimplifiedChinese = 2;

    private readonly Lazy<(SKTypeface Regular, SKTypeface Bold)> _faces;

    public DocumentFonts(IConfiguration configuration)
    {
        var directory = configuration["Printing:FontDirectory"] ?? DefaultDirectory;
        _faces = new Lazy<(SKTypeface, SKTypeface)>(() =>
        {
            var regular = Path.Combine(directory, "NotoSansCJK-Regular.ttc");
            if (!File.Exists(regular))
                throw new RuleViolatedException("print.no_font", $"The Chinese font {regular} is not installed (Debian package fonts-noto-cjk); labels cannot be printed.", regular);
            var bold = Path.Combine(directory, "NotoSansCJK-Bold.ttc");
            var r = SKTypeface.FromFile(regular, SimplifiedChinese) ?? throw new RuleViolatedException("print.no_font", $"{regular} cannot be read as a font.", regular);
            return (r, File.Exists(bold) ? SKTypeface.FromFile(bold, SimplifiedChinese) ?? r : r);
        }, LazyThreadSafetyMode.PublicationOnly); // a font installed after a failed print is found by the next print
    }

    public SKTypeface Regular => _faces.Value.Regular;
    public SKTypeface Bold => _faces.Value.Bold;

    public void Dispose()
    {
        if (!_faces.IsValueCreated) return;
        _faces.Value.Regular.Dispose();
        if (!ReferenceEquals(_faces.Value.Bold, _faces.Value.Regular)) _faces.Value.Bold.Dispose();
    }
}

/// <summary>Draws labels (热敏面单, 100×150 mm by default) and A4 pick lists as PDF with SkiaSharp's PDF backend.</summary>
public static class Documents
{
    public const float PointsPerMm = 72f / 25.4f;

    /// <summary>One PDF, a page per label in the order given, each on its template's page size with its fields.</summary>
    public static byte[] Labels(DocumentFonts fonts, IReadOnlyList<(LabelData Data, LabelLayout Layout)> labels)
    {
        using var stream = new MemoryStream();
        using (var managed = new SKManagedWStream(stream))
        using (var document = SKDocument.CreatePdf(managed, new SKDocumentPdfMetadata { Title = "面单 Labels", Creator = "Shelfbook", Producer = "Shelfbook" }))
        {
            using var regular = new SKFont(fonts.Regular);
            using var bold = new SKFont(fonts.Bold);
            using var ink = new SKPaint { Color = SKColors.Black, IsAntialias = true };
            using var rule = new SKPaint { Color = SKColors.Black, StrokeWidth = 0.8f, Style = SKPaintStyle.Stroke };
            foreach (var (label, layout) in labels)
            {
                var (width, height) = (layout.WidthMm * PointsPerMm, layout.HeightMm * PointsPerMm);
                var canvas = document.BeginPage(width, height);
                DrawLabel(canvas, label, layout, width, height, regular, bold, ink, rule);
                document.EndPage();
            }
            document.Close();
        }
        return stream.ToArray();
    }

    private static void DrawLabel(SKCanvas canvas, LabelData label, LabelLayout layout, float width, float height, SKFont regular, SKFont bold, SKPaint ink,
        SKPaint rule)
    {
        // Type is set for 100 mm wide labels and shrinks with narrower ones (76 mm: a quarter smaller), never grows.
        var k = Math.Min(1f, width / (100 * PointsPerMm));
        var margin = 4 * PointsPerMm * k;
        var inner = width - 2 * margin;
        var y = margin;

        // The carrier and service, the slot in big type on the right (分拣格), a reprint marked.
        bold.Size = 16 * k;
        Text(canvas, label.CarrierName + (label.ServiceName is { } service ? " · " + service : ""), margin, y + 14 * k, SKTextAlign.Left, bold, ink);
        if (label.Slot > 0 && layout.Shows("slot"))
        {
            bold.Size = 22 * k;
            Text(canvas, "#" + label.Slot, width - margin, y + 18 * k, SKTextAlign.Right, bold, ink);
        }
        if (label.Reprint)
        {
            regular.Size = 8 * k;
            Text(canvas, "重打 REPRINT", width - margin, y + 28 * k, SKTextAlign.Right, regular, ink);
        }
        y += 24 * k;
        canvas.DrawLine(margin, y, width - margin, y, rule);

        // The tracking number as Code 128, the number under it; the bars take a seventh of the label's height.
        y += 6 * k;
        var barHeight = Math.Min(22 * PointsPerMm, height / 7);
        DrawCode128(canvas, label.TrackingNo, margin + 4, y, inner - 8, barHeight, ink);
        y += barHeight + 12 * k;
        bold.Size = 13 * k;
        Text(canvas, label.TrackingNo, width / 2, y, SKTextAlign.Center, bold, ink);
        y += 6 * k;
        canvas.DrawLine(margin, y, width - margin, y, rule);

        // 收 and 寄.
        y = Party(canvas, "收", label.ReceiverName + "  " + label.ReceiverPhone, label.ReceiverAddress, margin, y + 4 * k, inner, regular, bold, ink, 12 * k, 10 * k);
        canvas.DrawLine(margin, y, width - margin, y, rule);
        y = Party(canvas, "寄", label.SenderName + "  " + label.SenderPhone, label.SenderAddress, margin, y + 4 * k, inner, regular, bold, ink, 9 * k, 8 * k);
        canvas.DrawLine(margin, y, width - margin, y, rule);

        // The order and its goods, as far as the template shows them and the page holds them.
        regular.Size = 8.5f * k;
        var step = 11 * k;
        var bottom = height - margin - 10 * k;
        var facts = new List<string>();
        if (layout.Shows("order")) facts.Add($"订单 {label.OrderNo}   {label.Quantity} 件");
        if (layout.Shows("weight")) facts.Add($"{label.WeightGrams / 1000m:0.###} kg");
        if (facts.Count > 0 && y + step < bottom)
        {
            y += step;
            Text(canvas, string.Join("   ", facts), margin, y, SKTextAlign.Left, regular, ink);
        }
        if (layout.Shows("goods"))
            foreach (var line in Wrap("品名 " + label.Goods, regular, inner).Take(4))
            {
                if (y + step > bottom) break;
                y += step;
                Text(canvas, line, margin, y, SKTextAlign.Left, regular, ink);
            }
        if (layout.Shows("remark") && !string.IsNullOrWhiteSpace(label.Remark))
            foreach (var line in Wrap("备注 " + label.Remark, regular, inner).Take(2))
            {
                if (y + step > bottom) break;
                y += step;
                Text(canvas, line, margin, y, SKTextAlign.Left, regular, ink);
            }
        regular.Size = 7 * k;
        Text(canvas, "Shelfbook", width - margin, height - margin, SKTextAlign.Right, regular, ink);
    }

    private static float Party(SKCanvas canvas, string mark, string who, string address, float x, float y, float width, SKFont regular, SKFont bold, SKPaint ink, float size, float addressSize)
    {
        bold.Size = size + 4;
        Text(canvas, mark, x, y + size + 2, SKTextAlign.Left, bold, ink);
        var left = x + size + 10;
        bold.Size = size;
        Text(canvas, who, left, y + size, SKTextAlign.Left, bold, ink);
        y += size + 2;
        regular.Size = addressSize;
        foreach (var line in Wrap(address, regular, width - (left - x)).Take(3))
        {
            y += addressSize + 3;
            Text(canvas, line, left, y, SKTextAlign.Left, regular, ink);
        }
        return y + 6;
    }

    /// <summary>
    /// Draws text as a blob that keeps the text and its clusters beside the glyphs, so that the PDF's text layer reads
    /// the characters drawn: without them Skia's ToUnicode maps a glyph two code points share to the lower one, and 马
    /// would copy out of the PDF as the radical ⻢. With them it writes an ActualText span where the glyph alone misleads.
    /// </summary>
    public static void Text(SKCanvas canvas, string text, float x, float y, SKTextAlign align, SKFont font, SKPaint paint)
    {
        if (text.Length == 0) return;
        var glyphs = font.GetGlyphs(text);
        var utf8 = System.Text.Encoding.UTF8.GetBytes(text);
        var clusters = new uint[glyphs.Length];
        var (at, offset) = (0, 0u);
        foreach (var rune in text.EnumerateRunes())
        {
            if (at < clusters.Length) clusters[at++] = offset;
            offset += (uint)rune.Utf8SequenceLength;
        }
        if (align != SKTextAlign.Left)
        {
            var width = font.MeasureText(glyphs);
            x -= align == SKTextAlign.Center ? width / 2 : width;
        }
        using var builder = new SKTextBlobBuilder();
        var run = builder.AllocateTextRun(font, glyphs.Length, x, y, utf8.Length);
        run.SetGlyphs(glyphs);
        run.SetText(utf8);
        run.SetClusters(clusters);
        using var blob = builder.Build();
        if (blob is not null) canvas.DrawText(blob, 0, 0, paint);
    }

    /// <summary>Code 128 bars (ZXing's encoder gives the modules; each dark run is a rectangle), scaled to the width.</summary>
    public static void DrawCode128(SKCanvas canvas, string text, float x, float y, float width, float height, SKPaint ink)
    {
        var modules = new ZXing.OneD.Code128Writer().encode(text);
        var module = Math.Min(width / modules.Length, 2.2f);
        var left = x + (width - module * modules.Length) / 2;
        for (var i = 0; i < modules.Length;)
        {
            if (!modules[i]) { i++; continue; }
            var start = i;
            while (i < modules.Length && modules[i]) i++;
            canvas.DrawRect(left + start * module, y, (i - start) * module, height, ink);
        }
    }

    /// <summary>Splits text into lines that fit the width, character by character (Chinese has no spaces to break at).</summary>
    public static IEnumerable<string> Wrap(string text, SKFont font, float width)
    {
        var line = new System.Text.StringBuilder();
        foreach (var rune in text.EnumerateRunes())
        {
            var next = line.ToString() + rune;
            if (line.Length > 0 && font.MeasureText(next) > width)
            {
                yield return line.ToString();
                line.Clear();
            }
            line.Append(rune.ToString());
        }
        if (line.Length > 0) yield return line.ToString();
    }

    /// <summary>An A4 pick list: the wave, then each SKU's bin, code, name, quantity and combos, in bin order, with page numbers.</summary>
    public static byte[] PickList(DocumentFonts fonts, string title, string subtitle, IReadOnlyList<PickLine> lines)
    {
        using var stream = new MemoryStream();
        using (var managed = new SKManagedWStream(stream))
        using (var document = SKDocument.CreatePdf(managed, new SKDocumentPdfMetadata { Title = title, Creator = "Shelfbook", Producer = "Shelfbook" }))
        {
            var (width, height, margin) = (210 * PointsPerMm, 297 * PointsPerMm, 15 * PointsPerMm);
            using var regular = new SKFont(fonts.Regular, 10);
            using var bold = new SKFont(fonts.Bold, 10);
            using var ink = new SKPaint { Color = SKColors.Black, IsAntialias = true };
            using var rule = new SKPaint { Color = SKColors.Gray, StrokeWidth = 0.5f, Style = SKPaintStyle.Stroke };
            float[] columns = [margin, margin + 90, margin + 220, margin + 400, margin + 450];
            string[] heads = ["库位 Bin", "商家编码 SKU", "名称 Name", "数量 Qty", "组合 Combo"];
            var rowHeight = 18f;
            var perPage = (int)((height - 2 * margin - 60) / rowHeight);
            var pages = Math.Max(1, (lines.Count + perPage - 1) / perPage);
            for (var page = 0; page < pages; page++)
            {
                var canvas = document.BeginPage(width, height);
                bold.Size = 16;
                Text(canvas, title, margin, margin + 14, SKTextAlign.Left, bold, ink);
                regular.Size = 9;
                Text(canvas, subtitle, margin, margin + 30, SKTextAlign.Left, regular, ink);
                Text(canvas, $"{page + 1} / {pages}", width - margin, margin + 14, SKTextAlign.Right, regular, ink);
                var y = margin + 52;
                bold.Size = 9;
                for (var c = 0; c < heads.Length; c++) Text(canvas, heads[c], columns[c], y, SKTextAlign.Left, bold, ink);
                canvas.DrawLine(margin, y + 5, width - margin, y + 5, rule);
                regular.Size = 9.5f;
                foreach (var line in lines.Skip(page * perPage).Take(perPage))
                {
                    y += rowHeight;
                    Text(canvas, line.BinCode ?? "—", columns[0], y, SKTextAlign.Left, regular, ink);
                    Text(canvas, line.SkuCode, columns[1], y, SKTextAlign.Left, regular, ink);
                    Text(canvas, Wrap(line.Name + (line.Spec is { } spec ? " " + spec : ""), regular, columns[3] - columns[2] - 6).FirstOrDefault() ?? "", columns[2], y, SKTextAlign.Left, regular, ink);
                    Text(canvas, line.Quantity.ToString(System.Globalization.CultureInfo.InvariantCulture), columns[3], y, SKTextAlign.Left, regular, ink);
                    Text(canvas, Wrap(string.Join("、", line.Combos), regular, width - margin - columns[4]).FirstOrDefault() ?? "", columns[4], y, SKTextAlign.Left, regular, ink);
                    canvas.DrawLine(margin, y + 5, width - margin, y + 5, rule);
                }
                document.EndPage();
            }
            document.Close();
        }
        return stream.ToArray();
    }

    /// <summary>
    /// 发货单 (packing slips): an A4 page per order — its number as Code 128, the shop and platform order, the receiver, the
    /// carrier and number, the buyer's message and the seller's memo, and its items with their bins and a box to tick;
    /// an order of many items runs on to further pages.
    /// </summary>
    public static byte[] PackingSlips(DocumentFonts fonts, IReadOnlyList<PackingSlipData> slips)
    {
        using var stream = new MemoryStream();
        using (var managed = new SKManagedWStream(stream))
        using (var document = SKDocument.CreatePdf(managed, new SKDocumentPdfMetadata { Title = "发货单 Packing slips", Creator = "Shelfbook", Producer = "Shelfbook" }))
        {
            var (width, height, margin) = (210 * PointsPerMm, 297 * PointsPerMm, 15 * PointsPerMm);
            using var regular = new SKFont(fonts.Regular, 10);
            using var bold = new SKFont(fonts.Bold, 10);
            using var ink = new SKPaint { Color = SKColors.Black, IsAntialias = true };
            using var rule = new SKPaint { Color = SKColors.Gray, StrokeWidth = 0.5f, Style = SKPaintStyle.Stroke };
            float[] columns = [margin, margin + 30, margin + 140, margin + 400, margin + 450];
            string[] heads = ["#", "商家编码 SKU", "名称 Name", "数量 Qty", "库位 Bin"];
            const float rowHeight = 18f;
            foreach (var slip in slips)
            {
                var first = true;
                var lines = slip.Lines;
                var at = 0;
                do
                {
                    var canvas = document.BeginPage(width, height);
                    bold.Size = 18;
                    Text(canvas, "发货单 Packing slip", margin, margin + 16, SKTextAlign.Left, bold, ink);
                    DrawCode128(canvas, slip.OrderNo, width - margin - 200, margin, 200, 28, ink);
                    regular.Size = 9;
                    Text(canvas, slip.OrderNo, width - margin - 100, margin + 40, SKTextAlign.Center, regular, ink);
                    var y = margin + 60;
                    if (first)
                    {
                        regular.Size = 10;
                        string[] facts =
                        [
                            $"订单号 Order: {slip.OrderNo}" + (slip.PlatformOrderNo is { } p ? $"    平台单号 Platform: {p}" : ""),
                            $"店铺 Shop: {slip.ShopName ?? "—"}" + (slip.PaidAt is { } paid ? $"    付款 Paid: {paid:yyyy-MM-dd HH:mm}" : ""),
                            $"收件人 To: {slip.ReceiverName}  {slip.ReceiverPhone}",
                            slip.ReceiverAddress,
                            $"快递 Carrier: {slip.CarrierName ?? "—"}    运单号 Tracking: {slip.TrackingNo ?? "—"}",
                        ];
                        foreach (var fact in facts)
                        {
                            Text(canvas, fact, margin, y, SKTextAlign.Left, regular, ink);
                            y += 16;
                        }
                        foreach (var (mark, text) in new[] { ("买家留言 Buyer: ", slip.BuyerMessage), ("卖家备注 Seller: ", slip.SellerMemo) })
                            if (!string.IsNullOrWhiteSpace(text))
                                foreach (var line in Wrap(mark + text, regular, width - 2 * margin).Take(3))
                                {
                                    Text(canvas, line, margin, y, SKTextAlign.Left, regular, ink);
                                    y += 16;
                                }
                        y += 8;
                    }
                    else
                    {
                        regular.Size = 9;
                        Text(canvas, "(续 continued)", margin, y, SKTextAlign.Left, regular, ink);
                        y += 16;
                    }
                    bold.Size = 9;
                    for (var c = 0; c < heads.Length; c++) Text(canvas, heads[c], columns[c], y, SKTextAlign.Left, bold, ink);
                    canvas.DrawLine(margin, y + 5, width - margin, y + 5, rule);
                    regular.Size = 9.5f;
                    var fits = Math.Max(1, (int)((height - margin - 40 - y) / rowHeight));
                    foreach (var line in lines.Skip(at).Take(fits))
                    {
                        y += rowHeight;
                        at++;
                        Text(canvas, at.ToString(System.Globalization.CultureInfo.InvariantCulture), columns[0], y, SKTextAlign.Left, regular, ink);
                        Text(canvas, line.SkuCode, columns[1], y, SKTextAlign.Left, regular, ink);
                        Text(canvas, Wrap(line.Name, regular, columns[3] - columns[2] - 6).FirstOrDefault() ?? "", columns[2], y, SKTextAlign.Left, regular, ink);
                        Text(canvas, line.Quantity.ToString(System.Globalization.CultureInfo.InvariantCulture), columns[3], y, SKTextAlign.Left, regular, ink);
                        Text(canvas, line.BinCode ?? "—", columns[4], y, SKTextAlign.Left, regular, ink);
                        canvas.DrawLine(margin, y + 5, width - margin, y + 5, rule);
                    }
                    if (at >= lines.Count)
                    {
                        bold.Size = 10;
                        Text(canvas, $"合计 Total: {lines.Sum(l => l.Quantity)} 件 units", columns[2], y + rowHeight + 4, SKTextAlign.Left, bold, ink);
                    }
                    document.EndPage();
                    first = false;
                }
                while (at < lines.Count);
            }
            document.Close();
        }
        return stream.ToArray();
    }
}
