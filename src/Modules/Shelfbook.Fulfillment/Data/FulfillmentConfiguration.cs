using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Shelfbook.Data;
using Shelfbook.Fulfillment.Domain;

namespace Shelfbook.Fulfillment.Data;

internal sealed class ParcelConfiguration : IEntityTypeConfiguration<Parcel>
{
    public void Configure(EntityTypeBuilder<Parcel> builder)
    {
        builder.ToTable("parcels");
        builder.HasKey(p => p.Id);
        // One parcel per order, and no tracking number on two parcels: a second ship of either fails here, whatever raced.
        builder.HasIndex(p => p.OrderId).IsUnique();
        builder.Property(p => p.TrackingNo).HasMaxLength(64).IsOrdinal();
        builder.HasIndex(p => p.TrackingNo).IsUnique();
        builder.Property(p => p.OrderNo).HasMaxLength(32).IsOrdinal();
        builder.Property(p => p.CarrierCode).HasMaxLength(32);
        builder.Property(p => p.Mode).HasConversion<string>().HasMaxLength(12);
        builder.Property(p => p.WriteBack).HasConversion<string>().HasMaxLength(12);
        builder.Property(p => p.WriteBackProblem).HasMaxLength(500);
        builder.Property(p => p.ShippedBy).HasMaxLength(100);
        // Today's parcels, newest first.
        builder.HasIndex(p => new { p.ShippedAt, p.Id });
    }
}
