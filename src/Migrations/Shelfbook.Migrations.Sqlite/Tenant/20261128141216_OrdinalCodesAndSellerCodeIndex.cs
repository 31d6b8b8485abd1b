using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Shelfbook.Migrations.Sqlite.Tenant
{
    /// <inheritdoc />
    public partial class OrdinalCodesAndSellerCodeIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "ix_shop_listings_shop_id_normalized_seller_code",
                table: "shop_listings",
                columns: new[] { "shop_id", "normalized_seller_code" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_shop_listings_shop_id_normalized_seller_code",
                table: "shop_listings");
        }
    }
}
