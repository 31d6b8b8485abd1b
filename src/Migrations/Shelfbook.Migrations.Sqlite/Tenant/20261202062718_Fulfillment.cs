using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Shelfbook.Migrations.Sqlite.Tenant
{
    /// <inheritdoc />
    public partial class Fulfillment : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTime>(
                name: "shipped_at",
                table: "orders",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "tracking_no",
                table: "orders",
                type: "TEXT",
                maxLength: 64,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "order_shipments",
                columns: table => new
                {
                    order_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    tracking_no = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    carrier_code = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true),
                    mode = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    shipped_at = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_order_shipments", x => x.order_id);
                    table.ForeignKey(
                        name: "fk_order_shipments_orders_order_id",
                        column: x => x.order_id,
                        principalTable: "orders",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "parcels",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "TEXT", nullable: false),
                    order_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    order_no = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    warehouse_id = table.Column<Guid>(type: "TEXT", nullable: true),
                    carrier_code = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true),
                    tracking_no = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    mode = table.Column<string>(type: "TEXT", maxLength: 12, nullable: false),
                    weight_grams = table.Column<int>(type: "INTEGER", nullable: true),
                    shipped_at = table.Column<DateTime>(type: "TEXT", nullable: false),
                    shipped_by_id = table.Column<Guid>(type: "TEXT", nullable: true),
                    shipped_by = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    write_back = table.Column<string>(type: "TEXT", maxLength: 12, nullable: false),
                    write_back_problem = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_parcels", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_orders_tracking_no",
                table: "orders",
                column: "tracking_no");

            migrationBuilder.CreateIndex(
                name: "ix_parcels_order_id",
                table: "parcels",
                column: "order_id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_parcels_shipped_at_id",
                table: "parcels",
                columns: new[] { "shipped_at", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_parcels_tracking_no",
                table: "parcels",
                column: "tracking_no",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "order_shipments");

            migrationBuilder.DropTable(
                name: "parcels");

            migrationBuilder.DropIndex(
                name: "ix_orders_tracking_no",
                table: "orders");

            migrationBuilder.DropColumn(
                name: "shipped_at",
                table: "orders");

            migrationBuilder.DropColumn(
                name: "tracking_no",
                table: "orders");
        }
    }
}
