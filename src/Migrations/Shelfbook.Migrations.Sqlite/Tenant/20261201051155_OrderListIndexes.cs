using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Shelfbook.Migrations.Sqlite.Tenant
{
    /// <inheritdoc />
    public partial class OrderListIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_orders_shop_id_status_created_at",
                table: "orders");

            migrationBuilder.CreateIndex(
                name: "ix_orders_created_at_order_no",
                table: "orders",
                columns: new[] { "created_at", "order_no" });

            migrationBuilder.CreateIndex(
                name: "ix_orders_receiver_phone",
                table: "orders",
                column: "receiver_phone");

            migrationBuilder.CreateIndex(
                name: "ix_orders_shop_id_status_created_at_order_no",
                table: "orders",
                columns: new[] { "shop_id", "status", "created_at", "order_no" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_orders_created_at_order_no",
                table: "orders");

            migrationBuilder.DropIndex(
                name: "ix_orders_receiver_phone",
                table: "orders");

            migrationBuilder.DropIndex(
                name: "ix_orders_shop_id_status_created_at_order_no",
                table: "orders");

            migrationBuilder.CreateIndex(
                name: "ix_orders_shop_id_status_created_at",
                table: "orders",
                columns: new[] { "shop_id", "status", "created_at" });
        }
    }
}
