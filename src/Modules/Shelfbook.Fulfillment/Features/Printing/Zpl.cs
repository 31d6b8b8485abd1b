using System.Globalization;
using System.Text;

namespace Shelfbook.Fulfillment.Features.Printing;

/// <summary>
/// Labels as ZPL II for Zebra thermal printers (203 dpi: 8 dots a millimetre), one <c>^XA…^XZ</c> per label, on the
/// template's size with its fields. Text is UTF-8 (<c>^CI28</c>) in the printer's Chinese font — Zebra's Andale Mono
/// Simplified Chinese (<c>E:ANMDS.TTF</c>) unless <c>Printing:ZplFont</c> names another one the printer holds; the
/// tracking number is Code 128 (<c>^BC</c>) printed by the printer itself, so it scans as crisp as the printer allows.
/// </summary>
public static class Zpl
{
    public const string DefaultFont = "E:ANMDS.TTF";
    private const int DotsPerMm = 8;

    public static string Labels(IReadOnlyList<(LabelData Data, LabelLayout Layout)> labels, string font)
    {
        var zpl = new StringBuilder(labels.Count * 900);
        foreach (var (label, layout) in labels)
        {
            var (width, height) = ((int)(layout.WidthMm * DotsPerMm), (int)(layout.HeightMm * DotsPerMm));
            var margin = 3 * DotsPerMm;
            var inner = width - 2 * margin;
            var k = Math.Min(1f, layout.WidthMm / 100f);
            int Size(float dots) => Math.Max(16, (int)(dots * k));
            zpl.Append("^XA^CI28").Append(CultureInfo.InvariantCulture, $"^PW{width}^LL{height}^LH0,0").Append('\n');
            var y = margin;
            Text(zpl, font, margin, y, Size(40), inner, 1, label.CarrierName + (label.ServiceName is { } service ? " · " + service : ""));
            if (label.Slot > 0 && layout.Shows("slot")) Text(zpl, font, width - margin - Size(56) * 3, y, Size(56), Size(56) * 3, 1, "#" + label.Slot, 'R');
            if (label.Reprint) Text(zpl, font, width - margin - 200, y + Size(56), Size(20), 200, 1, "重打 REPRINT", 'R');
            y += Size(64);
            zpl.Append(CultureInfo.InvariantCulture, $"^FO{margin},{y}^GB{inner},2,2^FS\n");
            y += 16;
            var bar = Math.Min(22 * DotsPerMm, height / 7);
            var module = Math.Clamp(inner / Math.Max(1, 11 * label.TrackingNo.Length + 35), 1, 3);
            zpl.Append(CultureInfo.InvariantCulture, $"^BY{module},3,{bar}^FO{margin + 8},{y}^BCN,{bar},N,N,N^FD{Escape(label.TrackingNo)}^FS\n");
            y += bar + 8;
            Text(zpl, font, margin, y, Size(34), inner, 1, label.TrackingNo, 'C');
            y += Size(44);
            zpl.Append(CultureInfo.InvariantCulture, $"^FO{margin},{y}^GB{inner},2,2^FS\n");
            y += 12;
            Text(zpl, font, margin, y, Size(34), inner, 1, "收 " + label.ReceiverName + "  " + label.ReceiverPhone);
            y += Size(42);
            Text(zpl, font, margin, y, Size(28), inner, 3, label.ReceiverAddress);
            y += Size(28) * 3 + 16;
            zpl.Append(CultureInfo.InvariantCulture, $"^FO{margin},{y}^GB{inner},2,2^FS\n");
            y += 12;
            Text(zpl, font, margin, y, Size(24), inner, 1, "寄 " + label.SenderName + "  " + label.SenderPhone);
            y += Size(30);
            Text(zpl, font, margin, y, Size(22), inner, 2, label.SenderAddress);
            y += Size(22) * 2 + 14;
            zpl.Append(CultureInfo.InvariantCulture, $"^FO{margin},{y}^GB{inner},2,2^FS\n");
            y += 12;
            var facts = new List<string>();
            if (layout.Shows("order")) facts.Add($"订单 {label.OrderNo}  {label.Quantity} 件");
            if (layout.Shows("weight")) facts.Add($"{label.WeightGrams / 1000m:0.###} kg");
            var bottom = height - margin;
            if (facts.Count > 0 && y + Size(24) < bottom)
            {
                Text(zpl, font, margin, y, Size(24), inner, 1, string.Join("   ", facts));
                y += Size(30);
            }
            if (layout.Shows("goods") && y + Size(24) < bottom)
            {
                var lines = Math.Clamp((bottom - y) / Size(28), 1, 4);
                Text(zpl, font, margin, y, Size(24), inner, lines, "品名 " + label.Goods);
                y += Size(28) * lines;
            }
            if (layout.Shows("remark") && !string.IsNullOrWhiteSpace(label.Remark) && y + Size(24) < bottom)
                Text(zpl, font, margin, y, Size(24), inner, Math.Clamp((bottom - y) / Size(28), 1, 2), "备注 " + label.Remark);
            zpl.Append("^XZ\n");
        }
        return zpl.ToString();
    }

    /// <summary>A text block (<c>^FB</c> wraps it over <paramref name="lines"/> lines within the width) in the Chinese font.</summary>
    private static void Text(StringBuilder zpl, string font, int x, int y, int size, int width, int lines, string text, char align = 'L') =>
        zpl.Append(CultureInfo.InvariantCulture, $"^FO{x},{y}^A@N,{size},{size},{font}^FB{width},{lines},0,{align},0^FD{Escape(text)}^FS\n");

    /// <summary>^ and ~ start commands in ZPL, so in a field's data each becomes a space (no address or name needs them).</summary>
    private static string Escape(string text) => text.Replace("^", " ", StringComparison.Ordinal).Replace("~", " ", StringComparison.Ordinal);
}
