using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Shelfbook.Inventory.Domain;

namespace Shelfbook.Inventory.Data;

internal sealed class WarehouseConfiguration : IEntityTypeConfiguration<Warehouse>
{
    public void Configure(EntityTypeBuilder<Warehouse> builder)
    {
        builder.ToTable("warehouses");
        builder.HasKey(w => w.Id);
        builder.Property(w => w.Code).HasMaxLength(Warehouse.CodeMax);
        builder.Property(w => w.NormalizedCode).HasMaxLength(Warehouse.CodeMax);
        builder.HasIndex(w => w.NormalizedCode).IsUnique();
        builder.Property(w => w.Name).HasMaxLength(Warehouse.NameMax);
        builder.Property(w => w.Type).HasConversion<string>().HasMaxLength(20);
        builder.Property(w => w.Country).HasMaxLength(2);
        builder.Property(w => w.Province).HasMaxLength(50);
        builder.Property(w => w.City).HasMaxLength(50);
        builder.Property(w => w.District).HasMaxLength(50);
        builder.Property(w => w.Address).HasMaxLength(200);
        builder.Property(w => w.ContactName).HasMaxLength(50);
        builder.Property(w => w.ContactPhone).HasMaxLength(30);
    }
}
