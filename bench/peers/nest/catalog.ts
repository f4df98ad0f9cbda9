// NestJS, hop 3: a microservice on the TCP transport answering `catalog.lookup` from memory.
import 'reflect-metadata';
import { Controller, Module, ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { MessagePattern, Payload, RpcException, Transport, type MicroserviceOptions } from '@nestjs/microservices';
import { productsById } from '../shared/products.ts';
import { LookupDto, validation } from './dto.ts';

@Controller()
class CatalogController {
  @MessagePattern('catalog.lookup')
  lookup(@Payload() { ids }: LookupDto) {
    return { items: [...new Set(ids)].flatMap((id) => productsById.get(id) ?? []) };
  }
}

@Module({ controllers: [CatalogController] })
class CatalogModule {}

const app = await NestFactory.createMicroservice<MicroserviceOptions>(CatalogModule, {
  transport: Transport.TCP,
  options: { host: '127.0.0.1', port: Number(process.env.PORT) },
  logger: false,
});
app.useGlobalPipes(new ValidationPipe({ ...validation, exceptionFactory: (errors) => new RpcException({ status: 400, message: errors.map(String).join('; ') }) }));
await app.listen();
process.stdout.write(`${JSON.stringify({ ready: 'catalog' })}\n`);
process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
