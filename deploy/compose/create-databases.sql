-- One database per workload: no service reads another's tables (DESIGN.md §2). The postgres
-- image runs this once, when its data volume is new; it already made the `agora` user.
CREATE DATABASE gateway OWNER agora;
CREATE DATABASE identity OWNER agora;
CREATE DATABASE catalog OWNER agora;
CREATE DATABASE orders OWNER agora;
CREATE DATABASE inventory OWNER agora;
CREATE DATABASE payments OWNER agora;
CREATE DATABASE shipping OWNER agora;
